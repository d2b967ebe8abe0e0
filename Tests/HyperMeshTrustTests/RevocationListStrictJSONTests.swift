import Foundation
import HyperMeshTrust
import Testing

/// The revocation list is a signed document: it is read with the strict parser the manifest uses,
/// so what the signer wrote is exactly what the host reads.
@Suite("The revocation list is read strictly")
struct RevocationListStrictJSONTests {
    private static let digest = String(repeating: "a", count: 64)

    private func refusal(_ text: String) -> TrustError? {
        #expect(throws: TrustError.self) { _ = try RevocationList(decoding: Data(text.utf8), source: "revocations.json") }
    }

    @Test("A key that appears twice is refused with its path, not merged", arguments: [
        (#"{"format": 1, "format": 1, "issued": "2026-01-01T00:00:00Z"}"#, "$.format"),
        (#"{"format": 1, "issued": "2026-01-01T00:00:00Z", "packages": [], "packages": ["\#(digest)"]}"#, "$.packages"),
    ])
    func duplicateKeys(_ text: String, _ path: String) {
        let error = refusal(text)
        #expect(error?.code == .revocationListMalformed)
        #expect(error?.message.contains("\(path): the key appears twice") == true, "\(String(describing: error))")
    }

    @Test("A value of the wrong type is refused with its path and what was found", arguments: [
        (#"{"format": "1", "issued": "2026-01-01T00:00:00Z"}"#, "$.format: must be the integer 1, found a string"),
        (#"{"format": true, "issued": "2026-01-01T00:00:00Z"}"#, "$.format: must be the integer 1, found the boolean true"),
        (#"{"format": 1.5, "issued": "2026-01-01T00:00:00Z"}"#, "$.format: must be the integer 1, found the number 1.5"),
        (#"{"format": 1, "issued": 20260101}"#, "$.issued: must be an ISO 8601 time"),
        // A signed year parses as a date, but is written back without its sign (found by fuzzing).
        (#"{"format": 1, "issued": "-970-01-01T00:00:00Z"}"#, "$.issued: must be an ISO 8601 time"),
        (#"{"format": 1, "issued": "+2026-01-01T00:00:00Z"}"#, "$.issued: must be an ISO 8601 time"),
        (#"{"format": 1, "issued": "2026-01-01T00:00:00Z", "packages": "\#(digest)"}"#, "$.packages: expected an array of strings, found a string"),
        (#"{"format": 1, "issued": "2026-01-01T00:00:00Z", "certificates": [true]}"#, "$.certificates[0]: expected a string, found the boolean true"),
        (#"{"format": 1, "issued": "2026-01-01T00:00:00Z", "packages": [7]}"#, "$.packages[0]: expected a string, found the number 7"),
    ])
    func wrongTypes(_ text: String, _ expected: String) {
        let error = refusal(text)
        #expect(error?.code == .revocationListMalformed)
        #expect(error?.message.contains(expected) == true, "\(String(describing: error))")
    }

    @Test("Bytes that are not strict JSON are refused with the parser's line and column as the cause")
    func notStrictJSON() {
        let error = refusal("{\"format\": 1, \"issued\": \"2026-01-01T00:00:00Z\",}")
        #expect(error?.code == .revocationListMalformed)
        #expect(error?.cause?.contains("line 1") == true, "\(String(describing: error))")
        #expect(error?.underlyingError != nil)
    }

    @Test("The integer 1 written as 1.0 or 1e0 is the format 1, as JSON numbers go")
    func formatAsEquivalentNumbers() throws {
        for format in ["1", "1.0", "1e0"] {
            let list = try RevocationList(decoding: Data(#"{"format": \#(format), "issued": "2026-01-01T00:00:00Z"}"#.utf8), source: "r")
            #expect(list.packages.isEmpty)
        }
    }
}
