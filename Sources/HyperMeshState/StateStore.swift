import Foundation
import GRDB

/// The host's persistent state in one SQLite database (WAL mode): per-extension key-value storage
/// today, more tables as the runtime grows. Every method is synchronous and thread-safe; a write is
/// committed when the method returns, so a crash of the host process loses nothing written.
/// Durability across a power loss is SQLite's in WAL mode with GRDB's default settings.
///
/// Not guaranteed: isolation between two host processes writing the same extension's keys at the
/// same time (SQLite serializes them; last writer wins).
public final class StateStore: Sendable {
    /// The database file name inside the state directory.
    public static let fileName = "state.sqlite"

    let database: DatabasePool
    /// The state directory (holding `state.sqlite`).
    public let directory: URL

    /// Opens (creating if needed) `state.sqlite` in `directory`, creating the directory too.
    public init(directory: URL) throws(StateError) {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StateError(code: .unavailable, message: "cannot create state directory \(directory.path)", cause: "\(error)")
        }
        let path = directory.appendingPathComponent(Self.fileName).path
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            database = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(database)
        } catch {
            throw StateError(code: .unavailable, message: "cannot open state database \(path)", cause: "\(error)")
        }
    }

    /// Suspensions that outlive the host process.
    public var suspensions: SuspensionStore { SuspensionStore(store: self) }

    /// Key-value storage scoped to one extension.
    public func storage(for extensionID: String) -> ExtensionStorage {
        ExtensionStorage(extensionID: extensionID, store: self)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-extension-kv") { db in
            try db.execute(sql: """
                CREATE TABLE extension_kv (
                    extension_id TEXT NOT NULL,
                    key TEXT NOT NULL,
                    value BLOB NOT NULL,
                    PRIMARY KEY (extension_id, key)
                ) WITHOUT ROWID
                """)
        }
        migrator.registerMigration("v2-suspensions") { db in
            try db.execute(sql: """
                CREATE TABLE extension_suspensions (
                    extension_id TEXT PRIMARY KEY NOT NULL,
                    reason TEXT NOT NULL,
                    since_ms INTEGER NOT NULL
                )
                """)
        }
        return migrator
    }
}
