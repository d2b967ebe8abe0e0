import GRDB

/// Inserts records with multi-row `INSERT` statements of up to ``rowsPerStatement`` rows, each
/// prepared once per connection and reused, so the per-statement cost is paid once per chunk
/// rather than once per record.
enum AuditRecordInserter {
    static let rowsPerStatement = 64
    private static let columnsPerRow = 8

    static func insert(_ records: [AuditRecord], in db: Database) throws {
        var start = records.startIndex
        while start < records.endIndex {
            let end = min(start + rowsPerStatement, records.endIndex)
            let statement = try db.cachedStatement(sql: statements[end - start])
            // Existential values: GRDB converts them without the slower generic key-path route.
            var values: [(any DatabaseValueConvertible)?] = []
            values.reserveCapacity((end - start) * columnsPerRow)
            for record in records[start..<end] {
                values.append(record.sequence)
                values.append(record.timeMilliseconds)
                values.append(record.kind.rawValue)
                values.append(record.extensionID.map(AuditSQLText.argument))
                values.append(AuditSQLText.argument(record.message))
                values.append(AuditDetailsJSON.encode(record.details))
                values.append(record.previousHash)
                values.append(record.hash)
            }
            statement.setUncheckedArguments(StatementArguments(values))
            try statement.execute()
            start = end
        }
    }

    /// `statements[n]` inserts `n` rows.
    private static let statements = (0...rowsPerStatement).map(sql(rows:))

    /// `INSERT` of `rows` rows; text that may contain NUL goes through `CAST(? AS TEXT)`
    /// (see ``AuditSQLText``).
    private static func sql(rows: Int) -> String {
        let row = "(?, ?, ?, CAST(? AS TEXT), CAST(? AS TEXT), ?, ?, ?)"
        return "INSERT INTO audit_record (sequence, time_ms, kind, extension_id, message, details, previous_hash, hash) "
            + "VALUES " + Array(repeating: row, count: rows).joined(separator: ", ")
    }
}
