import Foundation
import HyperMeshAudit
import Synchronization
import Testing

@Suite("Concurrent appends")
struct ConcurrentAppendTests {
    @Test func manyThreadsAppendOneContiguousIntactChain() throws {
        try withTemporaryLog { log, _ in
            let threads = 8
            let perThread = 500
            let failures = Mutex<[String]>([])
            let returned = Mutex<[AuditRecord]>([])
            runOnThreads(threads) { thread in
                for index in 0..<perThread {
                    do {
                        let record = try log.append(AuditEntry(
                            kind: .hostCalls, extensionID: "thread-\(thread)", message: "call \(index)",
                            details: ["thread": "\(thread)", "index": "\(index)"]))
                        returned.withLock { $0.append(record) }
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                }
            }
            let failed = failures.withLock { $0 }
            #expect(failed.isEmpty)
            let records = try log.records()
            #expect(records.count == threads * perThread)
            #expect(records.map(\.sequence) == Array(1...Int64(threads * perThread)))
            let distinctEntries = Set(records.map { "\($0.details["thread"]!)/\($0.details["index"]!)" })
            #expect(distinctEntries.count == threads * perThread)
            let returnedBySequence = returned.withLock { $0 }.sorted { $0.sequence < $1.sequence }
            #expect(returnedBySequence == records)
            for thread in 0..<threads {
                let own = records.filter { $0.extensionID == "thread-\(thread)" }.map { $0.details["index"]! }
                let expected = (0..<perThread).map(String.init)
                #expect(own == expected)
            }
            #expect(try log.verify().isIntact)
        }
    }

    @Test func appendsEnqueuesAndReadsMixConcurrently() throws {
        try withTemporaryLog(flushInterval: .milliseconds(5)) { log, _ in
            let readFailures = Mutex(0)
            runOnThreads(6) { thread in
                for index in 0..<200 {
                    let entry = AuditEntry(kind: .anomaly, extensionID: "t\(thread)", message: "\(index)")
                    switch thread % 3 {
                    case 0: _ = try? log.append(entry)
                    case 1: log.enqueue(entry)
                    default:
                        _ = try? log.append(entry)
                        if (try? log.records(extensionID: "t0", limit: 10)) == nil {
                            readFailures.withLock { $0 += 1 }
                        }
                    }
                }
            }
            try log.flush()
            let failedReads = readFailures.withLock { $0 }
            #expect(failedReads == 0)
            #expect(try log.count() == 1200)
            let verification = try log.verify()
            #expect(verification.isIntact)
            #expect(verification.headSequence == 1200)
        }
    }
}
