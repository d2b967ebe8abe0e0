import Foundation
import HyperMeshAudit
import HyperMeshErrors
import HyperMeshExtensions
import HyperMeshSecurity
import HyperMeshState
import HyperMeshTrust
import Testing
@testable import HyperMeshCLI
@testable import HyperMeshNode

/// The `--json` error document and the node's error answers: code, category, message and the whole
/// cause chain, for every kind of error; the HTTP status and the exit code from the category.
@Suite("The JSON error document and the edges that follow from the category")
struct ErrorDocumentTests {
    private struct ForeignError: Error, CustomStringConvertible {
        var description: String { "something Foundation said" }
    }

    @Test("A wrapped error keeps its whole cause chain, each cause with its own code and category")
    func causeChain() throws {
        let state = StateError(code: .unavailable, message: "the state database cannot be opened", cause: "disk I/O error")
        let error = ExtensionError(.activationFailed, extensionID: "org.tests.a", "cannot activate", cause: state)
        let record = ErrorRecord(error)
        #expect(record.code == "lifecycle.activation_failed")
        #expect(record.category == "extension_failed")
        #expect(record.extension == "org.tests.a")
        #expect(record.message == "cannot activate")
        #expect(record.causes == [
            ErrorRecord.Cause(code: "state.unavailable", category: "unavailable", message: "the state database cannot be opened"),
            ErrorRecord.Cause(code: nil, category: nil, message: "disk I/O error"),
        ])
        #expect(record.cause == "[state.unavailable] the state database cannot be opened")
        #expect(record.text == """
            [lifecycle.activation_failed] org.tests.a: cannot activate
              cause: [state.unavailable] the state database cannot be opened
              cause: disk I/O error
            """)
    }

    @Test("The document is JSON with code, category, extension, message, cause and causes, and decodes back")
    func jsonShape() throws {
        let record = ErrorRecord(TrustError(.signatureInvalid, check: .signature, "the signature does not verify", cause: "bad"))
        let data = Data(JSONOutput.string(["error": record]).utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
        let error = try #require(object["error"])
        #expect(error["code"] as? String == "trust.signature_invalid")
        #expect(error["category"] as? String == "integrity")
        #expect(error["message"] as? String == "check 'signature' failed: the signature does not verify")
        #expect(error["cause"] as? String == "bad")
        #expect((error["causes"] as? [[String: Any]])?.first?["message"] as? String == "bad")
        let decoded = try JSONDecoder().decode([String: ErrorRecord].self, from: data)
        #expect(decoded["error"] == record)
    }

    @Test("A document from a node without categories decodes, as an internal error with its cause")
    func olderDocuments() throws {
        let data = Data(#"{"code": "registry.unknown_extension", "message": "no such extension", "cause": "x"}"#.utf8)
        let record = try JSONDecoder().decode(ErrorRecord.self, from: data)
        #expect(record.resolvedCategory == .internal)
        #expect(record.causes == [ErrorRecord.Cause(code: nil, category: nil, message: "x")])
    }

    @Test("Leaf errors pass through with their own code: no catch-all code for them")
    func leafErrorsKeepTheirCodes() {
        let cases: [(any Error, String, HyperMeshErrorCategory)] = [
            (AuditError(code: .openFailed, message: "cannot open"), "audit.open_failed", .unavailable),
            (PolicyError(.badValue, "no", at: "defaults.allow[0]"), "policy.bad_value", .invalidInput),
            (StateError(code: .quotaExceeded, message: "full"), "state.quota_exceeded", .forbidden),
            (PackageError(code: .digestMismatch, message: "changed"), "package.digest_mismatch", .integrity),
            (NodeError(.unreachable, "no node"), "node.unreachable", .unavailable),
        ]
        for (error, code, category) in cases {
            let record = ErrorRecord(error)
            #expect(record.code == code)
            #expect(record.resolvedCategory == category, "\(code)")
        }
        #expect(ErrorRecord(PolicyError(.badValue, "no", at: "defaults.allow[0]")).message == "defaults.allow[0]: no")
    }

    @Test("An error without a HyperMesh code is reported as an internal, untyped error with its description")
    func untypedErrors() {
        let record = ErrorRecord(ForeignError())
        #expect(record.code == ErrorRecord.untypedErrorCode)
        #expect(record.code != "cli.error")
        #expect(record.resolvedCategory == .internal)
        #expect(record.resolvedCategory.exitCode == 70)
        #expect(record.message == "something Foundation said")
    }

    @Test("The node's HTTP status is the category's", arguments: [
        (ExtensionError(.rateLimited, extensionID: "org.x", "slow down") as any Error & Sendable, 429),
        (ExtensionError(.unknownExtension, extensionID: "org.x", "no such extension"), 404),
        (ExtensionError(.notActive, extensionID: "org.x", "not active"), 409),
        (ExtensionError(.methodFailed, extensionID: "org.x", "failed"), 422),
        (TrustError(.fileCheckFailed, "tampered"), 422),
        (TrustError(.signatureMissing, "unsigned"), 403),
        (AuditError(code: .writeFailed, message: "full disk"), 503),
        (PolicyError(.invalidJSON, "not JSON"), 400),
        (NodeError(.unauthorized, "no token"), 401),
        (NodeError(.tooLarge, "too big"), 413),
        (ForeignError(), 500),
    ])
    func httpStatus(_ error: any Error & Sendable, _ status: Int) {
        #expect(NodeErrorResponse.response(error).status.code == status, "\(error)")
    }
}
