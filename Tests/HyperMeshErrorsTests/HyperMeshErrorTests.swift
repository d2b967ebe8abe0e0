import HyperMeshErrors
import Testing

/// A small error type declared the way every HyperMesh error type is.
private struct SampleError: HyperMeshError, Equatable {
    let code: HyperMeshErrorCode<SampleError>
    let message: String
    let subject: String?
    private let storedCause: HyperMeshErrorCause?

    init(_ code: HyperMeshErrorCode<SampleError>, _ message: String, subject: String? = nil, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.subject = subject
        self.storedCause = cause.map { HyperMeshErrorCause($0) }
    }

    var underlyingError: (any Error & Sendable)? { storedCause?.error }

    static var knownCodes: [HyperMeshErrorCode<SampleError>] { [.broken, .missing] }
}

extension HyperMeshErrorCode where Domain == SampleError {
    static var broken: Self { Self("sample.broken", .integrity) }
    static var missing: Self { Self("sample.missing", .notFound) }
}

private struct ForeignError: Error, CustomStringConvertible {
    var description: String { "disk I/O error" }
}

@Suite("HyperMeshError: codes, categories, descriptions and the cause chain")
struct HyperMeshErrorTests {
    @Test("Every category has its documented HTTP status and exit code", arguments: [
        (HyperMeshErrorCategory.invalidInput, 400, Int32(1)),
        (.unauthenticated, 401, 1),
        (.forbidden, 403, 1),
        (.notFound, 404, 1),
        (.conflict, 409, 1),
        (.tooLarge, 413, 1),
        (.extensionFailed, 422, 1),
        (.integrity, 422, 2),
        (.rateLimited, 429, 1),
        (.internal, 500, 70),
        (.unavailable, 503, 69),
    ])
    func categoryEdges(_ category: HyperMeshErrorCategory, _ status: Int, _ exitCode: Int32) {
        #expect(category.httpStatus == status)
        #expect(category.exitCode == exitCode)
    }

    @Test("The table above covers every category")
    func everyCategoryIsInTheTable() {
        #expect(HyperMeshErrorCategory.allCases.count == 11)
    }

    @Test("The exit codes keep 64 for usage errors and never use it for a category")
    func usageStaysArgumentParsers() {
        #expect(HyperMeshExitCode.usage == 64)
        #expect(!HyperMeshErrorCategory.allCases.contains { $0.exitCode == HyperMeshExitCode.usage || $0.exitCode == 0 })
    }

    @Test("The category raw values are the stable snake-case names")
    func categoryRawValues() {
        #expect(HyperMeshErrorCategory.allCases.map(\.rawValue) == [
            "invalid_input", "unauthenticated", "forbidden", "not_found", "conflict", "too_large", "rate_limited",
            "extension_failed", "integrity", "unavailable", "internal",
        ])
    }

    @Test("Codes are equal by their raw value and carry their category")
    func codeIdentity() {
        #expect(HyperMeshErrorCode<SampleError>.broken == HyperMeshErrorCode("sample.broken", .internal))
        #expect(HyperMeshErrorCode<SampleError>.broken != .missing)
        #expect(HyperMeshErrorCode<SampleError>.missing.category == .notFound)
        #expect(HyperMeshErrorCode<SampleError>(rawValue: "sample.missing") == .missing)
        #expect(HyperMeshErrorCode<SampleError>(rawValue: "sample.unknown") == nil)
        #expect(HyperMeshErrorCode<SampleError>.allCases == [.broken, .missing])
        #expect(SampleError(.broken, "x").category == .integrity)
    }

    @Test("The description is [code] subject: message (cause: …)")
    func canonicalDescription() {
        #expect(SampleError(.missing, "no such thing").description == "[sample.missing] no such thing")
        #expect(SampleError(.missing, "no such thing", subject: "org.example.a").description == "[sample.missing] org.example.a: no such thing")
        #expect(SampleError(.broken, "it broke", cause: ErrorCauseText("because")).description == "[sample.broken] it broke (cause: because)")
    }

    @Test("The cause chain is walked through nested HyperMesh errors and ends at a foreign error")
    func causeChain() {
        let inner = SampleError(.missing, "the file is gone", subject: "/x", cause: ForeignError())
        let outer = SampleError(.broken, "cannot load", subject: "org.example.a", cause: inner)
        #expect(outer.causeChain.count == 2)
        #expect((outer.causeChain.first as? SampleError) == inner)
        #expect(outer.detailedDescription() == """
            [sample.broken] org.example.a: cannot load
              caused by: [sample.missing] /x: the file is gone
              caused by: disk I/O error
            """)
        let erased: any HyperMeshError = outer
        #expect(erased.codeRawValue == "sample.broken")
        #expect(erased.category == .integrity)
    }

    @Test("Causes compare by their description, and an empty text cause is no cause")
    func causesCompare() {
        #expect(HyperMeshErrorCause(ErrorCauseText("a")) == HyperMeshErrorCause(ErrorCauseText("a")))
        #expect(HyperMeshErrorCause(ErrorCauseText("a")) != HyperMeshErrorCause(ErrorCauseText("b")))
        #expect(HyperMeshErrorCause(text: "") == nil)
        #expect(HyperMeshErrorCause(text: nil) == nil)
        #expect(SampleError(.broken, "x", cause: ErrorCauseText("a")) == SampleError(.broken, "x", cause: ErrorCauseText("a")))
        #expect(SampleError(.broken, "x", cause: ErrorCauseText("a")) != SampleError(.broken, "x", cause: ErrorCauseText("b")))
    }
}
