import Foundation
import HyperMeshAudit
import Testing

@Suite("Errors")
struct ErrorHandlingTests {
    @Test func fileThatIsNotADatabaseFailsToOpen() throws {
        try withTemporaryFolder { folder in
            let file = folder.appendingPathComponent("not-a-database.sqlite")
            try Data(repeating: 0x41, count: 8192).write(to: file)
            let error = caughtAuditError { () throws(AuditError) in try AuditLog(file: file) }
            #expect(error?.code == .openFailed)
            #expect(error?.message.contains(file.path) == true)
            #expect(error?.cause != nil)
            #expect(error?.description.hasPrefix("[audit.open_failed] ") == true)
        }
    }

    @Test func folderInTheWayOfTheFileFailsToOpen() throws {
        try withTemporaryFolder { folder in
            let blocker = folder.appendingPathComponent("blocker")
            try Data("a file".utf8).write(to: blocker)
            let error = caughtAuditError { () throws(AuditError) in
                try AuditLog(file: blocker.appendingPathComponent("audit.sqlite"))
            }
            #expect(error?.code == .openFailed)
        }
    }

    @Test func callsAfterCloseThrowClosed() throws {
        try withTemporaryLog { log, _ in
            try log.append(AuditEntry(kind: .lifecycle, message: "before close"))
            log.close()
            log.close()
            let appendError = caughtAuditError { () throws(AuditError) in
                try log.append(AuditEntry(kind: .lifecycle, message: "after close"))
            }
            #expect(appendError?.code == .closed)
            #expect(appendError?.code.rawValue == "audit.closed")
            let flushError = caughtAuditError { () throws(AuditError) in try log.flush() }
            let recordsError = caughtAuditError { () throws(AuditError) in try log.records() }
            let countError = caughtAuditError { () throws(AuditError) in try log.count() }
            let verifyError = caughtAuditError { () throws(AuditError) in try log.verify() }
            #expect(flushError?.code == .closed)
            #expect(recordsError?.code == .closed)
            #expect(countError?.code == .closed)
            #expect(verifyError?.code == .closed)
            log.enqueue(AuditEntry(kind: .lifecycle, message: "dropped"))
        }
    }

    @Test func writeFailureIsReportedToAppendAndEnqueueFailureToFlush() throws {
        try withTemporaryLog(flushInterval: .seconds(3600)) { log, file in
            try log.append(AuditEntry(kind: .lifecycle, message: "first"))
            try tamper(file, "DELETE FROM audit_head")

            let appendError = caughtAuditError { () throws(AuditError) in
                try log.append(AuditEntry(kind: .lifecycle, message: "second"))
            }
            #expect(appendError?.code == .writeFailed)
            #expect(appendError?.message.contains(file.path) == true)

            log.enqueue(AuditEntry(kind: .hostCalls, message: "queued 1"))
            log.enqueue(AuditEntry(kind: .hostCalls, message: "queued 2"))
            let flushError = caughtAuditError { () throws(AuditError) in try log.flush() }
            #expect(flushError?.code == .writeFailed)
            #expect(flushError?.message.contains("2 enqueued audit record(s)") == true)
            try log.flush()
            #expect(try log.count() == 1)
        }
    }

    @Test func enqueueFailureIsReportedByTheNextAppend() throws {
        try withTemporaryLog(flushInterval: .seconds(3600)) { log, file in
            try log.append(AuditEntry(kind: .lifecycle, message: "first"))
            try tamper(file, "DELETE FROM audit_head")
            log.enqueue(AuditEntry(kind: .hostCalls, message: "lost"))
            let ownError = caughtAuditError { () throws(AuditError) in
                try log.append(AuditEntry(kind: .lifecycle, message: "in the failing batch"))
            }
            #expect(ownError?.code == .writeFailed)
            try tamper(file, "INSERT INTO audit_head (id, last_sequence, last_hash) SELECT 1, sequence, hash FROM audit_record")

            let reported = caughtAuditError { () throws(AuditError) in
                try log.append(AuditEntry(kind: .lifecycle, message: "not appended"))
            }
            #expect(reported?.code == .writeFailed)
            #expect(reported?.message.contains("1 enqueued audit record(s)") == true)
            let retried = try log.append(AuditEntry(kind: .lifecycle, message: "retried"))
            #expect(retried.sequence == 2)
            #expect(try log.records().map(\.message) == ["first", "retried"])
            #expect(try log.verify().isIntact)
        }
    }

    @Test func descriptionShowsCodeMessageAndCause() {
        let error = AuditError(code: .readFailed, message: "Could not read /x.", cause: "disk I/O error")
        #expect(error.description == "[audit.read_failed] Could not read /x. (cause: disk I/O error)")
        #expect(AuditError(code: .closed, message: "Closed.").description == "[audit.closed] Closed.")
        #expect(AuditError.Code.openFailed.rawValue == "audit.open_failed")
        #expect(AuditError.Code.writeFailed.rawValue == "audit.write_failed")
    }
}
