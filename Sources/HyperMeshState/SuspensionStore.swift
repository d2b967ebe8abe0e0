import Foundation
import GRDB

/// The extensions the security layer (or an operator) suspended, with why and since when, kept
/// in the state database so that a suspension outlives the host process: a suspended extension
/// stays suspended across restarts until an operator resumes it.
public struct SuspensionStore: Sendable {
    let store: StateStore

    public struct Suspension: Sendable, Equatable {
        public let reason: String
        public let since: Date
    }

    /// Records a suspension (replacing an earlier one of the same extension). Durable on return.
    public func suspend(_ extensionID: String, reason: String, at time: Date = Date()) throws(StateError) {
        do {
            try store.database.write { db in
                try db.execute(sql: "INSERT OR REPLACE INTO extension_suspensions (extension_id, reason, since_ms) VALUES (?, ?, ?)",
                               arguments: [extensionID, reason, Int64(time.timeIntervalSince1970 * 1000)])
            }
        } catch {
            throw StateError(code: .unavailable, message: "cannot record the suspension of \(extensionID)", cause: "\(error)")
        }
    }

    /// Removes the suspension of `extensionID`; returns whether there was one.
    @discardableResult
    public func resume(_ extensionID: String) throws(StateError) -> Bool {
        do {
            return try store.database.write { db in
                try db.execute(sql: "DELETE FROM extension_suspensions WHERE extension_id = ?", arguments: [extensionID])
                return db.changesCount > 0
            }
        } catch {
            throw StateError(code: .unavailable, message: "cannot lift the suspension of \(extensionID)", cause: "\(error)")
        }
    }

    public func suspension(of extensionID: String) throws(StateError) -> Suspension? {
        do {
            return try store.database.read { db in
                try Row.fetchOne(db, sql: "SELECT reason, since_ms FROM extension_suspensions WHERE extension_id = ?", arguments: [extensionID])
                    .map { Suspension(reason: $0["reason"], since: Date(timeIntervalSince1970: Double($0["since_ms"] as Int64) / 1000)) }
            }
        } catch {
            throw StateError(code: .unavailable, message: "cannot read the suspension of \(extensionID)", cause: "\(error)")
        }
    }
}
