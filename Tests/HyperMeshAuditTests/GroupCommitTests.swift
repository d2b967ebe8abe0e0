import Foundation
import GRDB
@testable import HyperMeshAudit
import Synchronization
import Testing

/// Group commit from tasks: `appendDurably` suspends its task, and everything queued while the
/// writer is busy goes into the next transaction.
///
/// The tests make the writer busy deterministically: a second connection holds the file's write
/// lock, so the writer's transaction for a first (enqueued) entry waits for it (the log is opened
/// with a busy timeout of 10 minutes, so that a machine starved by a whole test run cannot make the
/// wait run out) while the entries under test pile up behind it; releasing the lock lets the
/// writer commit the first entry, then take all the others as one batch.
@Suite("Group commit", .timeLimit(.minutes(5)))
struct GroupCommitTests {
    /// The number of concurrent appenders, far more than the threads of the cooperative pool.
    static let writers = 64

    @Test("64 tasks' durable appends queued behind a busy writer commit as one transaction, all present, chain intact")
    func queuedAppendsShareOneTransaction() async throws {
        try await withTemporaryAsyncLog { log, file in
            try log.append(AuditEntry(kind: .lifecycle, message: "before"))
            let lock = try WriteLockHolder(file)
            log.enqueue(AuditEntry(kind: .lifecycle, message: "first"))
            let firstTaken = await suspendUntil { log.backlog == 0 }
            #expect(firstTaken)
            let batchesBefore = log.committedBatchCount

            let appenders = (0..<Self.writers).map { index in
                Task { try await log.appendDurably(AuditEntry(
                    kind: .denial, extensionID: "writer-\(index)", message: "denied", details: ["index": "\(index)"])) }
            }
            // Every appender is suspended with its entry queued: none holds a thread, or the
            // cooperative pool (as wide as the machine has cores) could not run all 64.
            let allQueued = await suspendUntil { log.backlog == Self.writers }
            #expect(allQueued)
            try lock.release()

            var returned: [AuditRecord] = []
            for appender in appenders { returned.append(try await appender.value) }

            #expect(log.committedBatchCount == batchesBefore + 2)
            let stored = try log.records()
            #expect(stored.count == Self.writers + 2)
            #expect(stored.map(\.sequence) == Array(1...Int64(Self.writers + 2)))
            let returnedBySequence = returned.sorted(by: sequenceOrder)
            #expect(returnedBySequence == Array(stored.dropFirst(2)))
            #expect(Set(returned.map(\.extensionID)).count == Self.writers)
            // Times are taken in queue order, so they never decrease along the chain.
            let times = stored.map(\.time)
            #expect(times == times.sorted())
            #expect(try log.verify().isIntact)
        }
    }

    @Test("a record failing in the middle of a batch fails every waiter of that batch with audit.write_failed and loses no acknowledged record")
    func failureInTheMiddleOfABatchFailsTheWholeBatch() async throws {
        try await withTemporaryAsyncLog { log, file in
            try log.append(AuditEntry(kind: .lifecycle, message: "before"))
            try tamper(file, """
                CREATE TRIGGER refuse_poison BEFORE INSERT ON audit_record WHEN NEW.message = 'poison'
                BEGIN SELECT RAISE(ABORT, 'refused by the test'); END
                """)
            let lock = try WriteLockHolder(file)
            log.enqueue(AuditEntry(kind: .lifecycle, message: "first"))
            let firstTaken = await suspendUntil { log.backlog == 0 }
            #expect(firstTaken)

            // Queued in this order: half the writers, the poison, the rest.
            var appenders: [Task<AuditRecord, any Error>] = []
            for index in 0..<Self.writers {
                let message = index == Self.writers / 2 ? "poison" : "denied \(index)"
                appenders.append(Task { try await log.appendDurably(AuditEntry(kind: .denial, message: message)) })
                let queued = await suspendUntil { log.backlog == index + 1 }
                #expect(queued)
            }
            try lock.release()

            var failures: [AuditError] = []
            for appender in appenders {
                do {
                    let record = try await appender.value
                    Issue.record("an entry of the failed batch was acknowledged: \(record)")
                } catch let error as AuditError {
                    failures.append(error)
                }
            }
            #expect(failures.count == Self.writers)
            for failure in failures {
                #expect(failure.code == .writeFailed)
                #expect(failure.message.contains("\(Self.writers) audit record(s)"))
                #expect(failure.cause?.contains("refused by the test") == true)
            }

            // The records acknowledged before (appended, and enqueued then committed) are all there.
            try log.flush()
            let acknowledged = try log.records()
            #expect(acknowledged.map(\.message) == ["before", "first"])
            let next = try await log.appendDurably(AuditEntry(kind: .denial, message: "after the failure"))
            #expect(next.sequence == 3)
            #expect(next.previousHash == acknowledged.last?.hash)
            #expect(try log.verify().isIntact)
        }
    }

    @Test("many tasks appending durably at once: every record present once, each task's records in its order, chain intact")
    func manyTasksKeepTheirOrder() async throws {
        try await withTemporaryAsyncLog { log, _ in
            let perWriter = 40
            let returned = try await withThrowingTaskGroup(of: [AuditRecord].self) { group in
                for writer in 0..<Self.writers {
                    group.addTask {
                        var own: [AuditRecord] = []
                        for index in 0..<perWriter {
                            own.append(try await log.appendDurably(AuditEntry(
                                kind: .hostCalls, extensionID: "writer-\(writer)", message: "call \(index)",
                                details: ["index": "\(index)"])))
                        }
                        return own
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let stored = try log.records()
            #expect(stored.count == Self.writers * perWriter)
            let returnedBySequence = returned.sorted(by: sequenceOrder)
            #expect(returnedBySequence == stored)
            for writer in 0..<Self.writers {
                let own = stored.filter { $0.extensionID == "writer-\(writer)" }.map(\.message)
                let expected = (0..<perWriter).map { "call \($0)" }
                #expect(own == expected)
            }
            #expect(log.committedBatchCount <= stored.count)
            #expect(try log.verify().isIntact)
        }
    }

    @Test("a cancelled task's durable append still commits and returns its record")
    func cancellationDoesNotAbandonTheAppend() async throws {
        try await withTemporaryAsyncLog { log, _ in
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await log.appendDurably(AuditEntry(kind: .suspension, message: "cancelled caller"))
            }
            let record = try await task.value
            #expect(record.sequence == 1)
            #expect(try log.records().map(\.message) == ["cancelled caller"])
        }
    }

    @Test("appendDurably after close throws audit.closed")
    func appendDurablyAfterCloseThrowsClosed() async throws {
        try await withTemporaryAsyncLog { log, _ in
            log.close()
            do throws(AuditError) {
                let record = try await log.appendDurably(AuditEntry(kind: .lifecycle, message: "after close"))
                Issue.record("appended after close: \(record)")
            } catch {
                #expect(error.code == .closed)
            }
        }
    }

    @Test("the record hashed from the caller's precomputed content matches the documented test vector")
    func precomputedContentHashesLikeTheFields() {
        var pending = AuditPendingEntry(
            entry: AuditEntry(kind: .lifecycle, extensionID: "com.example.a", message: "loaded", details: ["b": "2", "a": "1"]),
            isAwaited: true)
        pending.timeMilliseconds = 1_700_000_000_000
        var hasher = AuditRecordHasher()
        let hash = hasher.hash(sequence: 1, pending: pending, previousHash: AuditRecord.genesisHash)
        #expect(hash == "e22cbe091a81a4765fefc46d059241d4b38e5a1ebf112e6eb01c57154e6054f2")
        #expect(pending.detailsJSON == #"{"a":"1","b":"2"}"#)
    }
}

/// Holds the write lock of an SQLite file from a second connection until ``release()``.
private final class WriteLockHolder {
    private let database: DatabaseQueue

    init(_ file: URL) throws {
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        database = try DatabaseQueue(path: file.path, configuration: configuration)
        try database.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
    }

    func release() throws {
        try database.writeWithoutTransaction { try $0.execute(sql: "COMMIT") }
        try database.close()
    }
}

/// Runs `body` with a new log in a new temporary folder; the log is closed afterwards.
private func withTemporaryAsyncLog(_ body: (AuditLog, URL) async throws -> Void) async throws {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("hypermesh-audit-tests", isDirectory: true)
        .appendingPathComponent(UUID().uuidString, isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let log = try AuditLog(file: folder.appendingPathComponent("audit.sqlite"), busyTimeout: 600)
    defer { log.close() }
    try await body(log, folder.appendingPathComponent("audit.sqlite"))
}

private func sequenceOrder(_ first: AuditRecord, _ second: AuditRecord) -> Bool {
    first.sequence < second.sequence
}

/// Polls `condition` every 5 ms, suspending (never blocking a thread), until it holds or 20 s
/// have passed.
private func suspendUntil(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<24_000 {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}
