import Foundation
import GRDB

/// Key-value storage of one extension: keys are UTF-8 strings of 1 to ``maximumKeyLength`` bytes,
/// values are bytes. One extension never sees another's keys.
///
/// Not enforced here: storage quotas (the host API broker owns those); ``usedBytes()`` reports the
/// sum of key and value sizes so that it can.
public struct ExtensionStorage: Sendable {
    /// Longest key accepted, in UTF-8 bytes.
    public static let maximumKeyLength = 1024

    public let extensionID: String
    let store: StateStore

    public func get(_ key: String) throws(StateError) -> [UInt8]? {
        try Self.validate(key)
        return try run { db in
            let value = try Data.fetchOne(db, sql: "SELECT value FROM extension_kv WHERE extension_id = ? AND key = ?",
                                          arguments: [extensionID, key])
            return value.map { [UInt8]($0) }
        }
    }

    public func put(_ key: String, _ value: [UInt8], limit: StorageLimit? = nil) throws(StateError) {
        try apply([.put(key: key, value: value)], limit: limit)
    }

    /// Deletes `key`. Returns whether it existed.
    @discardableResult
    public func delete(_ key: String) throws(StateError) -> Bool {
        try Self.validate(key)
        return try write { db in
            try db.execute(sql: "DELETE FROM extension_kv WHERE extension_id = ? AND key = ?", arguments: [extensionID, key])
            return db.changesCount > 0
        }
    }

    /// Keys that start with `prefix`, in ascending byte order.
    public func list(prefix: String = "") throws(StateError) -> [String] {
        try run { db in
            let keys = try String.fetchAll(db, sql: "SELECT key FROM extension_kv WHERE extension_id = ? AND substr(CAST(key AS BLOB), 1, ?) = CAST(? AS BLOB) ORDER BY key",
                                           arguments: [extensionID, prefix.utf8.count, prefix])
            return keys
        }
    }

    /// Applies every write in one transaction: all of them or none.
    ///
    /// With a `limit`, the transaction is rolled back whole (code `state.quota_exceeded`) when it
    /// would leave this extension using more than `limit.bytes` (its keys and values, plus
    /// `limit.otherBytes` used elsewhere, e.g. its files) and use more than before it: a write that
    /// shrinks usage is always allowed, so an extension over a lowered quota can clean up.
    /// Cost: two indexed sums over the extension's rows per write.
    public func apply(_ writes: [StorageWrite], limit: StorageLimit? = nil) throws(StateError) {
        for write in writes { try Self.validate(write.key) }
        do {
            try store.database.write { db in
                let before = try limit.map { _ in try Self.usedBytes(db, extensionID) }
                try Self.perform(writes, db, extensionID)
                if let limit, let before {
                    let after = try Self.usedBytes(db, extensionID)
                    if after > before, UInt64(after) + limit.otherBytes > limit.bytes {
                        throw StateError(code: .quotaExceeded,
                                         message: "the write would use \(UInt64(after) + limit.otherBytes) bytes of storage, over the quota of \(limit.bytes) bytes; nothing was written",
                                         cause: "\(UInt64(before) + limit.otherBytes) bytes in use before the write")
                    }
                }
            }
        } catch let error as StateError {
            throw error
        } catch {
            throw StateError(code: .unavailable, message: "state write failed for \(extensionID)", cause: "\(error)")
        }
    }

    static func usedBytes(_ db: Database, _ extensionID: String) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(length(CAST(key AS BLOB)) + length(value)), 0) FROM extension_kv WHERE extension_id = ?",
                         arguments: [extensionID]) ?? 0
    }

    static func perform(_ writes: [StorageWrite], _ db: Database, _ extensionID: String) throws {
        for write in writes {
            switch write {
            case .put(let key, let value):
                try db.execute(sql: "INSERT INTO extension_kv (extension_id, key, value) VALUES (?, ?, ?) ON CONFLICT(extension_id, key) DO UPDATE SET value = excluded.value",
                               arguments: [extensionID, key, Data(value)])
            case .delete(let key):
                try db.execute(sql: "DELETE FROM extension_kv WHERE extension_id = ? AND key = ?", arguments: [extensionID, key])
            }
        }
    }

    /// Bytes used by this extension: the sum of its keys' and values' lengths.
    public func usedBytes() throws(StateError) -> Int {
        try run { db in try Self.usedBytes(db, extensionID) }
    }

    /// Removes every key of this extension.
    public func removeAll() throws(StateError) {
        try write { db in
            try db.execute(sql: "DELETE FROM extension_kv WHERE extension_id = ?", arguments: [extensionID])
        }
    }

    static func validate(_ key: String) throws(StateError) {
        let length = key.utf8.count
        guard length > 0, length <= maximumKeyLength else {
            throw StateError(code: .invalidKey, message: "storage key must be 1 to \(maximumKeyLength) UTF-8 bytes, got \(length)")
        }
    }

    private func run<T>(_ body: (Database) throws -> T) throws(StateError) -> T {
        do {
            return try store.database.read(body)
        } catch {
            throw StateError(code: .unavailable, message: "state read failed for \(extensionID)", cause: "\(error)")
        }
    }

    private func write<T>(_ body: (Database) throws -> T) throws(StateError) -> T {
        do {
            return try store.database.write(body)
        } catch {
            throw StateError(code: .unavailable, message: "state write failed for \(extensionID)", cause: "\(error)")
        }
    }
}
