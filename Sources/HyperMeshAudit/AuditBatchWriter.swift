import GRDB

/// Writes one batch of entries as one transaction: continues the chain from the head row,
/// computes each record's hash in sequence order, inserts with one reused prepared statement and
/// moves the head, all of which commits or rolls back together.
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
                var records: [AuditRecord] = []
                try db.inTransaction(.immediate) {
                    records = try insert(entries, in: db)
                    return .commit
                }
                return records
            }
        } catch let error as AuditError {
            throw error
        } catch {
            throw AuditError.writeFailed(path: path, count: entries.count, cause: error)
        }
    }

    private mutating func insert(_ entries: [AuditPendingEntry], in db: Database) throws -> [AuditRecord] {
        let head = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT last_sequence, last_hash FROM audit_head WHERE id = 1"))
        guard let head else { throw AuditError.headMissing(path: path) }
        var sequence: Int64 = head[0]
        var previousHash: String = head[1]
        let insertRecord = try db.cachedStatement(sql: """
            INSERT INTO audit_record (sequence, time_ms, kind, extension_id, message, details, previous_hash, hash)
            VALUES (?, ?, ?, CAST(? AS TEXT), CAST(? AS TEXT), ?, ?, ?)
            """)
        var records: [AuditRecord] = []
        records.reserveCapacity(entries.count)
        for pending in entries {
            sequence += 1
            let entry = pending.entry
            let hash = hasher.hash(
                sequence: sequence, timeMilliseconds: pending.timeMilliseconds, kind: entry.kind.rawValue,
                extensionID: entry.extensionID, message: entry.message, details: entry.details,
                previousHash: previousHash)
            try insertRecord.execute(arguments: [
                sequence, pending.timeMilliseconds, entry.kind.rawValue, AuditSQLText.argument(entry.extensionID),
                AuditSQLText.argument(entry.message).databaseValue, AuditDetailsJSON.encode(entry.details),
                previousHash, hash,
            ])
            records.append(AuditRecord(
                sequence: sequence, time: AuditTime.date(milliseconds: pending.timeMilliseconds), kind: entry.kind,
                extensionID: entry.extensionID, message: entry.message, details: entry.details,
                previousHash: previousHash, hash: hash))
            previousHash = hash
        }
        try db.cachedStatement(sql: "UPDATE audit_head SET last_sequence = ?, last_hash = ? WHERE id = 1")
            .execute(arguments: [sequence, previousHash])
        return records
    }
}
