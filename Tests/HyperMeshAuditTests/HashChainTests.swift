import Foundation
import HyperMeshAudit
import Testing

@Suite("Hash chain")
struct HashChainTests {
    @Test func eachRecordLinksToThePreviousHashAndTheFirstToZeros() throws {
        try withTemporaryLog { log, _ in
            let written = try appendSamples(log, count: 25)
            let records = try log.records()
            #expect(records == written)
            #expect(records.map(\.sequence) == Array(1...25))
            #expect(records[0].previousHash == String(repeating: "0", count: 64))
            for (earlier, later) in zip(records, records.dropFirst()) {
                #expect(later.previousHash == earlier.hash)
            }
            #expect(Set(records.map(\.hash)).count == 25)
        }
    }

    @Test func verifyReportsTheHeadOfAnIntactChain() throws {
        try withTemporaryLog { log, _ in
            let empty = try log.verify()
            #expect(empty.isIntact)
            #expect(empty.recordCount == 0)
            #expect(empty.headSequence == 0)
            #expect(empty.headHash == AuditRecord.genesisHash)

            let written = try appendSamples(log, count: 10)
            let verification = try log.verify()
            #expect(verification.isIntact)
            #expect(verification.problems.isEmpty)
            #expect(verification.recordCount == 10)
            #expect(verification.headSequence == 10)
            #expect(verification.headHash == written.last?.hash)
        }
    }

    @Test func identicalEntriesGetDifferentHashes() throws {
        try withTemporaryLog { log, _ in
            let entry = AuditEntry(kind: .denial, extensionID: "a", message: "same")
            let first = try log.append(entry)
            let second = try log.append(entry)
            #expect(first.hash != second.hash)
            #expect(second.previousHash == first.hash)
        }
    }
}
