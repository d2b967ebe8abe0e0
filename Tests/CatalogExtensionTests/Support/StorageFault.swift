import Foundation
import GRDB
import HyperMeshState

/// Makes the host's state database refuse the write of one key, as a failing disk or a corrupt
/// database would: a trigger that aborts any transaction inserting or updating that key of that
/// extension. The host's `storage_apply` then fails with the whole batch rolled back, including the
/// writes that ran before the refused one.
///
/// The trigger lives in the database file, so it affects every connection (the host's included)
/// until ``clear()``.
struct StorageFault {
    let stateDirectory: URL
    let extensionID: String
    let key: String

    /// The text the refusal carries, so a test can find it in the error.
    static let reason = "storage fault injected by the test"

    private var database: String { stateDirectory.appendingPathComponent(StateStore.fileName).path }

    /// Installs the trigger.
    func install() throws {
        try DatabaseQueue(path: database).write { db in
            for operation in ["INSERT", "UPDATE"] {
                try db.execute(sql: """
                    CREATE TRIGGER \(triggerName(operation)) BEFORE \(operation) ON extension_kv
                    WHEN NEW.extension_id = \(quoted(extensionID)) AND NEW.key = \(quoted(key))
                    BEGIN SELECT RAISE(ABORT, \(quoted(Self.reason))); END
                    """)
            }
        }
    }

    /// Removes the trigger.
    func clear() throws {
        try DatabaseQueue(path: database).write { db in
            for operation in ["INSERT", "UPDATE"] {
                try db.execute(sql: "DROP TRIGGER IF EXISTS \(triggerName(operation))")
            }
        }
    }

    private func triggerName(_ operation: String) -> String {
        "test_fault_\(operation.lowercased())"
    }

    private func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
