import Foundation
import HyperMeshAudit
import Testing

@Suite("Tamper detection")
struct TamperDetectionTests {
    private let forgedInsert = """
        INSERT INTO audit_record (sequence, time_ms, kind, extension_id, message, details, previous_hash, hash)
        VALUES (?, 0, 'grant', 'intruder', 'forged grant', '{}', ?, ?)
        """

    @Test func editedMessageIsReportedAtItsSequence() throws {
        try withTemporaryLog { log, file in
            try appendSamples(log, count: 5)
            try tamper(file, "UPDATE audit_record SET message = 'nothing happened' WHERE sequence = 3")
            let verification = try log.verify()
            #expect(!verification.isIntact)
            #expect(summaries(verification) == [ProblemSummary(.edited, 3, nil)])
            #expect(verification.problems.first?.message.hasPrefix("Record 3 was edited") == true)
        }
    }

    @Test func editedDetailsAndTimeAreReported() throws {
        try withTemporaryLog { log, file in
            try appendSamples(log, count: 4)
            try tamper(file, #"UPDATE audit_record SET details = '{"index":"99"}' WHERE sequence = 2"#)
            try tamper(file, "UPDATE audit_record SET time_ms = time_ms + 1 WHERE sequence = 3")
            try tamper(file, "UPDATE audit_record SET details = 'not json' WHERE sequence = 4")
            let verification = try log.verify()
            let expected = [ProblemSummary(.edited, 2, nil), ProblemSummary(.edited, 3, nil), ProblemSummary(.edited, 4, nil)]
            #expect(summaries(verification) == expected)
        }
    }

    @Test func rehashedEditBreaksTheNextLink() throws {
        try withTemporaryLog { log, file in
            try appendSamples(log, count: 5)
            try tamper(file, "UPDATE audit_record SET message = 'forged', hash = ? WHERE sequence = 2",
                       arguments: [String(repeating: "a", count: 64)])
            let verification = try log.verify()
            #expect(summaries(verification) == [ProblemSummary(.edited, 2, nil), ProblemSummary(.brokenLink, 3, 2)])
        }
    }

    @Test func deletedMiddleRecordIsFoundWithItsSequences() throws {
        try withTemporaryLog { log, file in
            try appendSamples(log, count: 6)
            try tamper(file, "DELETE FROM audit_record WHERE sequence = 4")
            let verification = try log.verify()
            #expect(summaries(verification) == [ProblemSummary(.sequenceGap, 5, 3), ProblemSummary(.brokenLink, 5, 3)])
            #expect(verification.problems.first?.message.contains("record 4 is missing") == true)

            try tamper(file, "DELETE FROM audit_record WHERE sequence IN (2, 3)")
            let wider = try log.verify()
            #expect(summaries(wider) == [ProblemSummary(.sequenceGap, 5, 1), ProblemSummary(.brokenLink, 5, 1)])
            #expect(wider.problems.first?.message.contains("records 2 through 4 are missing") == true)
        }
    }

    @Test func deletedNewestRecordsAreFoundByTheHead() throws {
        try withTemporaryLog { log, file in
            try appendSamples(log, count: 6)
            try tamper(file, "DELETE FROM audit_record WHERE sequence >= 5")
            let verification = try log.verify()
            #expect(summaries(verification) == [ProblemSummary(.headMismatch, 4, 6)])
            #expect(verification.problems.first?.message.contains("records 5 through 6 were deleted") == true)
            #expect(verification.recordCount == 4)
            #expect(verification.headSequence == 6)
        }
    }

    @Test func forgedRowAfterTheNewestIsFound() throws {
        try withTemporaryLog { log, file in
            let records = try appendSamples(log, count: 3)
            try tamper(file, forgedInsert, arguments: [4, records[2].hash, String(repeating: "b", count: 64)])
            let verification = try log.verify()
            #expect(summaries(verification) == [ProblemSummary(.edited, 4, nil), ProblemSummary(.headMismatch, 4, 3)])
        }
    }

    @Test func forgedRowInsertedInTheMiddleIsFound() throws {
        try withTemporaryLog { log, file in
            let records = try appendSamples(log, count: 3)
            try tamper(file, "UPDATE audit_record SET sequence = sequence + 1000 WHERE sequence >= 2")
            try tamper(file, "UPDATE audit_record SET sequence = sequence - 999 WHERE sequence >= 1000")
            try tamper(file, forgedInsert, arguments: [2, records[0].hash, String(repeating: "c", count: 64)])
            let verification = try log.verify()
            let expected = [
                ProblemSummary(.edited, 2, nil), ProblemSummary(.edited, 3, nil), ProblemSummary(.brokenLink, 3, 2),
                ProblemSummary(.edited, 4, nil), ProblemSummary(.headMismatch, 4, 3),
            ]
            #expect(summaries(verification) == expected)
        }
    }

    @Test func changedOrMissingHeadIsReported() throws {
        try withTemporaryLog { log, file in
            try appendSamples(log, count: 2)
            try tamper(file, "UPDATE audit_head SET last_hash = ?", arguments: [String(repeating: "d", count: 64)])
            #expect(summaries(try log.verify()) == [ProblemSummary(.headMismatch, 2, 2)])
            try tamper(file, "DELETE FROM audit_head")
            #expect(summaries(try log.verify()) == [ProblemSummary(.headMismatch, 2, nil)])
        }
    }

    @Test func untouchedLogStaysIntactForAnotherReader() throws {
        try withTemporaryLog { log, file in
            try appendSamples(log, count: 3)
            let other = try AuditLog(file: file)
            defer { other.close() }
            #expect(try other.verify().isIntact)
        }
    }
}
