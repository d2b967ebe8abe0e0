import Foundation
@testable import HyperMeshAudit
import Testing

@Suite("Canonical encoding")
struct CanonicalEncodingTests {
    private func hash(
        sequence: Int64 = 1, time: Int64 = 1_700_000_000_000, kind: String = "lifecycle", extensionID: String? = "ext",
        message: String = "message", details: [String: String] = [:], previousHash: String = AuditRecord.genesisHash
    ) -> String {
        var hasher = AuditRecordHasher()
        return hasher.hash(
            sequence: sequence, timeMilliseconds: time, kind: kind, extensionID: extensionID, message: message,
            details: details, previousHash: previousHash)
    }

    @Test func matchesTheDocumentedTestVector() {
        let value = hash(extensionID: "com.example.a", message: "loaded", details: ["b": "2", "a": "1"])
        #expect(value == "e22cbe091a81a4765fefc46d059241d4b38e5a1ebf112e6eb01c57154e6054f2")
    }

    @Test func movingAFieldBoundaryChangesTheHash() {
        #expect(hash(extensionID: "ab", message: "c") != hash(extensionID: "a", message: "bc"))
        #expect(hash(kind: "lifecyclex", extensionID: nil) != hash(kind: "lifecycle", extensionID: "x"))
        #expect(hash(details: ["ab": "c"]) != hash(details: ["a": "bc"]))
        #expect(hash(details: ["a": "b", "c": "d"]) != hash(details: ["a": "bc", "": "d"]))
        #expect(hash(message: "m", details: ["k": "v"]) != hash(message: "mk", details: ["": "v"]))
    }

    @Test func absentAndEmptyExtensionDiffer() {
        #expect(hash(extensionID: nil) != hash(extensionID: ""))
    }

    @Test func detailOrderDoesNotMatterButEveryFieldDoes() {
        #expect(hash(details: ["a": "1", "b": "2"]) == hash(details: ["b": "2", "a": "1"]))
        let base = hash()
        #expect(hash(sequence: 2) != base)
        #expect(hash(time: 1_700_000_000_001) != base)
        #expect(hash(kind: "grant") != base)
        #expect(hash(message: "Message") != base)
        #expect(hash(previousHash: String(repeating: "f", count: 64)) != base)
    }

    @Test func keysSortByUTF8Bytes() {
        let sorted = AuditCanonicalEncoding.sortedByUTF8Key(["é": "1", "z": "2", "Z": "3", "": "4", "zz": "5"])
        #expect(sorted.map(\.key) == ["", "Z", "z", "zz", "é"])
    }

    @Test func storedDetailsJSONIsSortedAndEscaped() throws {
        let details = ["b": "line\nbreak", "a": "quote\" back\\ nul\u{0} é"]
        let json = AuditDetailsJSON.encode(details)
        #expect(json == #"{"a":"quote\" back\\ nul\u0000 é","b":"line\nbreak"}"#)
        #expect(try AuditDetailsJSON.decode(json) == details)
        #expect(AuditDetailsJSON.encode([:]) == "{}")
    }
}
