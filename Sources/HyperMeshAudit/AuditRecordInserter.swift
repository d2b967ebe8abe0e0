import GRDB
#if canImport(GRDBSQLite)
import GRDBSQLite
#elseif canImport(SQLite3)
import SQLite3
#endif

/// Inserts a batch's records with one single-row `INSERT`, prepared once per connection and
/// executed once per record with its arguments bound straight through SQLite's C interface
/// (GRDB's general argument conversion cost more than the insert itself).
///
/// Strings are bound with their UTF-8 byte count, so text containing NUL is stored whole; the
/// `CAST(? AS TEXT)` of the message and extension id keeps them TEXT whatever is bound (see
/// ``AuditSQLText``).
enum AuditRecordInserter {
    static let sql = "INSERT INTO audit_record (sequence, time_ms, kind, extension_id, message, details, previous_hash, hash) "
        + "VALUES (?, ?, ?, CAST(? AS TEXT), CAST(? AS TEXT), ?, ?, ?)"

    /// `records[i]` is the record of `entries[i]`, whose stored details it uses.
    static func insert(_ records: [AuditRecord], of entries: [AuditPendingEntry], in db: Database) throws {
        let handle = try db.cachedStatement(sql: sql).sqliteStatement
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        for (record, pending) in zip(records, entries) {
            sqlite3_reset(handle)
            sqlite3_bind_int64(handle, 1, record.sequence)
            sqlite3_bind_int64(handle, 2, pending.timeMilliseconds)
            try bindText(record.kind.rawValue, at: 3, in: handle, of: db)
            if let extensionID = record.extensionID {
                try bindText(extensionID, at: 4, in: handle, of: db)
            } else {
                sqlite3_bind_null(handle, 4)
            }
            try bindText(record.message, at: 5, in: handle, of: db)
            try bindText(pending.detailsJSON, at: 6, in: handle, of: db)
            try bindText(record.previousHash, at: 7, in: handle, of: db)
            try bindText(record.hash, at: 8, in: handle, of: db)
            let code = sqlite3_step(handle)
            guard code == SQLITE_DONE else { throw error(code, db) }
        }
    }

    /// SQLite copies the bytes (`SQLITE_TRANSIENT`), so they need to live only for the call.
    /// Binding the byte count (not a C string) keeps an embedded NUL and what follows it. Throws
    /// `SQLITE_TOOBIG` for text over SQLite's length limit.
    private static func bindText(_ text: String, at index: Int32, in handle: OpaquePointer, of db: Database) throws {
        var text = text
        let code = text.withUTF8 { bytes in
            guard let address = bytes.baseAddress else {
                // An empty buffer may have no address, and a NULL pointer would bind SQL NULL.
                return sqlite3_bind_text64(handle, index, "", 0, transient, UInt8(SQLITE_UTF8))
            }
            return sqlite3_bind_text64(
                handle, index, UnsafeRawPointer(address).assumingMemoryBound(to: CChar.self), UInt64(bytes.count),
                transient, UInt8(SQLITE_UTF8))
        }
        guard code == SQLITE_OK else { throw error(code, db) }
    }

    private static func error(_ code: Int32, _ db: Database) -> DatabaseError {
        DatabaseError(
            resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
            sql: sql)
    }

    /// `SQLITE_TRANSIENT`: SQLite copies the bound bytes.
    private static var transient: sqlite3_destructor_type {
        unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
    }
}
