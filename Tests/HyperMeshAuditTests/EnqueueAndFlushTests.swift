import Foundation
import HyperMeshAudit
import Testing

@Suite("Enqueue and flush")
struct EnqueueAndFlushTests {
    @Test func flushCommitsEverythingEnqueuedBeforeIt() throws {
        try withTemporaryLog(flushInterval: .seconds(3600)) { log, _ in
            for index in 1...300 {
                log.enqueue(AuditEntry(kind: .hostCalls, extensionID: "counter", message: "calls", details: ["n": "\(index)"]))
            }
            try log.flush()
            let records = try log.records()
            #expect(records.count == 300)
            let numbers = records.map { $0.details["n"] }
            let expected = (1...300).map { "\($0)" }
            #expect(numbers == expected)
            #expect(try log.verify().isIntact)
        }
    }

    @Test func enqueuedEntryBecomesVisibleWithoutFlush() throws {
        try withTemporaryLog(flushInterval: .milliseconds(20)) { log, _ in
            log.enqueue(AuditEntry(kind: .hostCalls, extensionID: "counter", message: "periodic count"))
            let visible = try eventually { try log.count() == 1 }
            #expect(visible)
            #expect(try log.records().first?.message == "periodic count")
        }
    }

    @Test func appendCommitsEarlierEnqueuedEntriesInOrder() throws {
        try withTemporaryLog(flushInterval: .seconds(3600)) { log, _ in
            log.enqueue(AuditEntry(kind: .hostCalls, message: "queued 1"))
            log.enqueue(AuditEntry(kind: .hostCalls, message: "queued 2"))
            let appended = try log.append(AuditEntry(kind: .denial, message: "appended"))
            #expect(appended.sequence == 3)
            #expect(try log.records().map(\.message) == ["queued 1", "queued 2", "appended"])
        }
    }

    @Test func flushWithNothingPendingReturns() throws {
        try withTemporaryLog { log, _ in
            try log.flush()
            try appendSamples(log, count: 2)
            try log.flush()
            #expect(try log.count() == 2)
        }
    }

    @Test func closeCommitsWhatWasEnqueued() throws {
        try withTemporaryFolder { folder in
            let file = folder.appendingPathComponent("audit.sqlite")
            let log = try AuditLog(file: file, flushInterval: .seconds(3600))
            for index in 1...50 { log.enqueue(AuditEntry(kind: .hostCalls, message: "\(index)")) }
            log.close()
            let reopened = try AuditLog(file: file)
            defer { reopened.close() }
            #expect(try reopened.count() == 50)
            #expect(try reopened.verify().isIntact)
        }
    }
}
