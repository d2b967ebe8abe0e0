import Foundation
import GRDB

/// Opens the SQLite file behind an ``AuditLog``: creates the folder, opens a WAL `DatabasePool`,
/// applies the durability setting to the writing connection, turns its automatic checkpoint off
/// (see ``AuditCheckpointer``) and migrates the schema.
enum AuditDatabase {
    /// Seconds a connection waits for another connection's write lock (another `AuditLog` or
    /// process on the same file) before the write fails.
    static let busyTimeout: TimeInterval = 10

    static func open(file: URL, durability: AuditDurability, busyTimeout: TimeInterval = AuditDatabase.busyTimeout) throws(AuditError) -> DatabasePool {
        let path = file.path
        do {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(busyTimeout)
            configuration.label = "HyperMeshAudit"
            configuration.maximumReaderCount = 4
            let pool = try DatabasePool(path: path, configuration: configuration)
            // The pool turns WAL on and sets synchronous = NORMAL on its writer after
            // `prepareDatabase` would run, so the durability setting is applied afterwards.
            // Checkpoints run on their own connection (AuditCheckpointer), not inside a commit.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(durability.synchronousPragmaValue)")
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            }
            try AuditSchema.migrator().migrate(pool)
            return pool
        } catch {
            throw AuditError.openFailed(path: path, cause: error)
        }
    }

    /// The `PRAGMA synchronous` value of the writing connection (1 = NORMAL, 2 = FULL).
    static func synchronousSetting(of pool: DatabasePool) throws -> Int {
        try pool.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
        }
    }

    /// The `PRAGMA wal_autocheckpoint` of the writing connection (0: it never checkpoints).
    static func autocheckpointSetting(of pool: DatabasePool) throws -> Int {
        try pool.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") ?? -1
        }
    }

    /// The `PRAGMA journal_mode` of the file (`wal` for an audit log).
    static func journalMode(of pool: DatabasePool) throws -> String {
        try pool.writeWithoutTransaction { db in
            try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? ""
        }
    }
}
