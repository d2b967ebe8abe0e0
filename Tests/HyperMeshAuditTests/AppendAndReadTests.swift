import Foundation
import HyperMeshAudit
import Testing

@Suite("Append and read back")
struct AppendAndReadTests {
    @Test func appendedRecordReadsBackWithAllFields() throws {
        try withTemporaryLog { log, _ in
            let before = Date()
            let entry = AuditEntry(
                kind: .grant, extensionID: "com.example.camera", message: "granted camera access",
                details: ["permission": "camera", "grantedBy": "policy"])
            let record = try log.append(entry)
            #expect(record.sequence == 1)
            #expect(record.kind == .grant)
            #expect(record.extensionID == "com.example.camera")
            #expect(record.message == "granted camera access")
            #expect(record.details == ["permission": "camera", "grantedBy": "policy"])
            #expect(record.previousHash == AuditRecord.genesisHash)
            #expect(record.hash.count == 64)
            let isLowercaseHex = record.hash.allSatisfy { "0123456789abcdef".contains($0) }
            #expect(isLowercaseHex)
            let after = Date()
            #expect(record.time >= before.addingTimeInterval(-0.001))
            #expect(record.time <= after.addingTimeInterval(0.001))
            #expect(record.timeMilliseconds == Int64((record.time.timeIntervalSince1970 * 1000).rounded()))
            #expect(try log.records() == [record])
            #expect(try log.count() == 1)
        }
    }

    @Test func unicodeEmptyDetailsAndAbsentExtensionRoundTrip() throws {
        try withTemporaryLog { log, _ in
            let entries = [
                AuditEntry(kind: .policy, extensionID: nil, message: "politique chargée ✅ 日本語 🧩"),
                AuditEntry(kind: .anomaly, extensionID: "", message: "", details: ["ключ": "значение", "": "empty key"]),
                AuditEntry(kind: .hostCalls, extensionID: "e\u{301}", message: "decomposed é", details: [:]),
                AuditEntry(kind: .violation, extensionID: "nul\u{0}inside", message: "before\u{0}after",
                           details: ["quote\"back\\slash": "line\nbreak\ttab\u{1}"]),
            ]
            let written = try entries.map { try log.append($0) }
            let read = try log.records()
            #expect(read == written)
            for (entry, record) in zip(entries, read) {
                #expect(record.kind == entry.kind)
                #expect(record.extensionID == entry.extensionID)
                #expect(Array(record.message.utf8) == Array(entry.message.utf8))
                #expect(record.details == entry.details)
            }
            let decomposedBytes = read[2].extensionID.map { Array($0.utf8) }
            #expect(decomposedBytes == Array("e\u{301}".utf8))
            #expect(try log.verify().isIntact)
        }
    }

    @Test func everyKindRoundTripsWithItsStoredName() throws {
        try withTemporaryLog { log, file in
            for kind in AuditKind.allCases {
                try log.append(AuditEntry(kind: kind, message: kind.rawValue))
            }
            #expect(try log.records().map(\.kind) == AuditKind.allCases)
            let stored: String? = try rawValue(file, "SELECT kind FROM audit_record WHERE message = 'host_calls'")
            #expect(stored == "host_calls")
            #expect(AuditKind.hostCalls.rawValue == "host_calls")
        }
    }

    @Test func recordsAreCodable() throws {
        try withTemporaryLog { log, _ in
            let record = try log.append(AuditEntry(kind: .consensus, extensionID: "x", message: "m", details: ["a": "b"]))
            let decoded = try JSONDecoder().decode(AuditRecord.self, from: JSONEncoder().encode(record))
            #expect(decoded == record)
        }
    }

    @Test func timeIsStoredAsIntegerMilliseconds() throws {
        try withTemporaryLog { log, file in
            let record = try log.append(AuditEntry(kind: .lifecycle, message: "started"))
            let stored: Int64? = try rawValue(file, "SELECT time_ms FROM audit_record WHERE sequence = 1")
            #expect(stored == record.timeMilliseconds)
            let type: String? = try rawValue(file, "SELECT typeof(time_ms) FROM audit_record WHERE sequence = 1")
            #expect(type == "integer")
        }
    }
}
