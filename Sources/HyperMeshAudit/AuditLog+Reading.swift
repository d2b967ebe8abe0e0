import Foundation
import GRDB

/// Reading and verifying. Every call reads the database (a consistent snapshot), so it sees all
/// records committed before it started, including those of other `AuditLog` instances on the file.
extension AuditLog {
    /// Records in ascending sequence order. Filters combine with AND: `extensionID` (exact match;
    /// `nil` means any), `since` (records whose time is not earlier), `kinds` (`nil` means any; an
    /// empty set matches nothing), `limit` (the first `limit` matching records; `nil` means all,
    /// zero or less returns nothing). `since` uses an index; the other filters read every record
    /// from the first one matching `since`, so their cost grows with the size of the log. Throws
    /// `audit.read_failed` when a stored record cannot be decoded, e.g. after tampering;
    /// ``verify()`` then says more.
    public func records(
        extensionID: String? = nil, since: Date? = nil, kinds: Set<AuditKind>? = nil, limit: Int? = nil
    ) throws(AuditError) -> [AuditRecord] {
        if let kinds, kinds.isEmpty { return [] }
        if let limit, limit <= 0 { return [] }
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let extensionID {
            conditions.append("extension_id = CAST(? AS TEXT)")
            arguments += [AuditSQLText.argument(extensionID).databaseValue]
        }
        if let since {
            conditions.append("time_ms >= ?")
            arguments += [AuditTime.firstMillisecond(notBefore: since)]
        }
        if let kinds {
            let sortedKinds = kinds.map(\.rawValue).sorted()
            conditions.append("kind IN (\(Array(repeating: "?", count: sortedKinds.count).joined(separator: ", ")))")
            arguments += StatementArguments(sortedKinds)
        }
        var sql = "SELECT \(AuditStoredRow.selection) FROM audit_record"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY sequence"
        if let limit {
            sql += " LIMIT ?"
            arguments += [limit]
        }
        let rows = try read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(AuditStoredRow.init)
        }
        var records: [AuditRecord] = []
        records.reserveCapacity(rows.count)
        for row in rows {
            records.append(try row.record(path: file.path))
        }
        return records
    }

    /// The number of stored records.
    public func count() throws(AuditError) -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_record") ?? 0 }
    }

    /// Walks the whole chain and reports every problem found; see ``AuditVerification`` for what an
    /// intact result does and does not prove. Throws only when the file cannot be read.
    public func verify() throws(AuditError) -> AuditVerification {
        try read { db in
            var verifier = AuditChainVerifier()
            return try verifier.verify(db)
        }
    }
}
