/// One harness: a parser (or a pipeline of them) driven by arbitrary bytes, with the invariants
/// it must keep for every input.
///
/// ``run(_:)`` must return for every input (an error the parser reports is a normal outcome) and
/// throws ``FuzzFinding`` only when an invariant breaks: a value that does not survive its own
/// encoding, a write outside the destination, a solution that violates a constraint. A crash,
/// a sanitizer report or a hang are findings too; libFuzzer reports those itself.
///
/// The same harnesses run in two ways: under libFuzzer (`hypermesh-fuzz`, built by
/// `scripts/fuzz.sh` with `-sanitize=fuzzer,address`) and in the test suite, which replays the
/// seeds and every input kept in `Fuzz/Regressions/<target>/` without instrumentation.
public protocol FuzzTarget: Sendable {
    /// The name `scripts/fuzz.sh` and `HYPERMESH_FUZZ_TARGET` use (`manifest`, `frame-codec`...).
    var name: String { get }
    /// What the harness drives, for `--list`.
    var summary: String { get }
    /// Runs one input through the parser and checks the invariants.
    func run(_ input: [UInt8]) throws(FuzzFinding)
    /// The starting corpus: inputs built by the project's own encoders and fixtures, so the
    /// fuzzer starts from well-formed documents and mutates from there.
    func seeds() throws -> [FuzzSeed]
}

/// One starting input of a corpus.
public struct FuzzSeed: Sendable {
    public var name: String
    public var bytes: [UInt8]

    public init(_ name: String, _ bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }

    public init(_ name: String, text: String) {
        self.init(name, Array(text.utf8))
    }
}

/// An invariant a harness found broken: which one, and the evidence.
public struct FuzzFinding: Error, CustomStringConvertible, Sendable {
    public let target: String
    public let invariant: String
    public let detail: String

    public init(_ target: String, _ invariant: String, _ detail: String = "") {
        self.target = target
        self.invariant = invariant
        self.detail = detail
    }

    public var description: String {
        "fuzz target \(target): \(invariant)" + (detail.isEmpty ? "" : " (\(detail))")
    }
}

/// Every harness, by name.
public enum FuzzTargets {
    public static let all: [any FuzzTarget] = [
        ManifestFuzzTarget(), PolicyFuzzTarget(), RevocationListFuzzTarget(), ArchiveFuzzTarget(),
        FrameCodecFuzzTarget(), WasmLoadFuzzTarget(), OCIDocumentFuzzTarget(), SignedIndexFuzzTarget(),
        RegistryResponseFuzzTarget(), ResolverFuzzTarget(),
    ]

    public static func named(_ name: String) -> (any FuzzTarget)? {
        all.first { $0.name == name }
    }
}
