import GRDB

/// Writes one batch of entries as one transaction: continues the chain from the head row,
/// computes each record's hash in sequence order (from the content the callers encoded, see
/// ``AuditPendingEntry``), inserts the rows with one reused prepared statement
/// (``AuditRecordInserter``) and moves the head, all of which commits or rolls back together:
/// one commit, so one sync of the write-ahead log under ``AuditDurability/powerLoss``, per batch.
///
/// The head is read inside the (immediate) transaction, so several `AuditLog` instances or
/// processes writing the same file still produce one contiguous chain.
struct AuditBatchWriter {
    let path: String
    private var hasher = AuditRecordHasher()

    init(path: String) {
        self.path = path
    }

    mutating func write(_ entries: [AuditPendingEntry], to pool: DatabasePool) throws(AuditError) -> [AuditRecord] {
        do {
            return try pool.writeWithoutTransaction { db in
                // Prepared once per connection, like every statement here: GRDB's own
                // transaction helper would parse BEGIN and COMMIT again for every batch.
                try db.cachedStatement(sql: "BEGIN IMMEDIATE").execute()
                do {
                    let records = try chain(entries, in: db)
                    try AuditRecordInserter.insert(records, of: entries, in: db)
                    try db.cachedStatement(sql: "UPDATE audit_head SET last_sequence = ?, last_hash = ? WHERE id = 1")
                        .execute(arguments: [records.last?.sequence, records.last?.hash])
                    try db.cachedStatement(sql: "COMMIT").execute()
                    return records
                } catch {
                    if db.isInsideTransaction { try? db.rollback() }
                    throw error
                }
            }
        } catch let error as AuditError {
            throw error
        } catch {
            throw AuditError.writeFailed(path: path, count: entries.count, cause: error)
        }
    }

    /// The records the entries become, continuing the chain from the head row.
    private mutating func chain(_ entries: [AuditPendingEntry], in db: Database) throws -> [AuditRecord] {
        let head = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT last_sequence, last_hash FROM audit_head WHERE id = 1"))
        guard let head, let lastSequence = AuditStoredRow.integer(head[0]),
              let lastHash = String.fromDatabaseValue(head[1]) else {
            throw AuditError.headMissing(path: path)
        }
        var sequence = lastSequence
        var previousHash = lastHash
        var records: [AuditRecord] = []
        records.reserveCapacity(entries.count)
        for pending in entries {
            sequence += 1
            let entry = pending.entry
            let hash = hasher.hash(sequence: sequence, pending: pending, previousHash: previousHash)
            records.append(AuditRecord(
                sequence: sequence, time: AuditTime.date(milliseconds: pending.timeMilliseconds), kind: entry.kind,
                extensionID: entry.extensionID, message: entry.message, details: entry.details,
                previousHash: previousHash, hash: hash))
            previousHash = hash
        }
        return records
    }
}
