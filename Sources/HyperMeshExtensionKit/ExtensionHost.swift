#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
internal import CHyperMeshABI

/// The host, as an extension sees it: logging, per-extension storage, asset types and events.
///
/// Every function goes through the host's API table with this extension's context, so the host
/// checks the extension's grant, quotas and rate limits; a refusal arrives as an ``ExtensionError``
/// carrying the host's status (e.g. ``ExtensionErrorCode/permissionDenied``) and message. Every
/// buffer the host hands back is released here, exactly once.
///
/// Valid from `init(host:)` until the instance is destroyed; do not keep it in threads that outlive
/// a call, and do not use it from `deinit`. All functions are thread-safe (the host's are).
public struct ExtensionHost: @unchecked Sendable {
    let table: HostTable
    let context: OpaquePointer?

    init(api: UnsafePointer<hypermesh_host_api>, context: OpaquePointer?) {
        self.table = HostTable(api: api)
        self.context = context
    }

    /// The `HYPERMESH_ABI_VERSION` the host was built with.
    public var abiVersion: UInt32 { table.api.pointee.abi_version }

    /// Writes a log line attributed to this extension. Never fails; a host without a log function
    /// drops the line.
    public func log(_ level: LogLevel, _ message: String) {
        guard let log = table.api.pointee.log else { return }
        var text = message
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { log(context, level.rawValue, $0.baseAddress, $0.count) }
        }
    }

    /// The value stored under `key`, or `nil` if there is none.
    public func storageGet(_ key: String) throws(ExtensionError) -> [UInt8]? {
        let get = try function(table.api.pointee.storage_get, "storage_get")
        var value = hypermesh_bytes(data: nil, len: 0)
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = Self.withText(key) { get(context, $0, $1, &value, &error) }
        let bytes = table.take(value)
        if status == HYPERMESH_ERR_NOT_FOUND {
            _ = table.takeMessage(error)
            return nil
        }
        try table.check(status, error, operation: "storage_get")
        return bytes
    }

    /// Stores `value` under `key`, replacing any previous value.
    public func storagePut(_ key: String, _ value: [UInt8]) throws(ExtensionError) {
        let put = try function(table.api.pointee.storage_put, "storage_put")
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = Self.withText(key) { keyPointer, keyLength in
            value.withUnsafeBufferPointer { put(context, keyPointer, keyLength, $0.baseAddress, $0.count, &error) }
        }
        try table.check(status, error, operation: "storage_put")
    }

    /// Deletes the value under `key`. Whether deleting a missing key is an error is the host's
    /// choice (it reports ``ExtensionErrorCode/notFound`` if it treats it as one).
    public func storageDelete(_ key: String) throws(ExtensionError) {
        let delete = try function(table.api.pointee.storage_delete, "storage_delete")
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = Self.withText(key) { delete(context, $0, $1, &error) }
        try table.check(status, error, operation: "storage_delete")
    }

    /// The keys that start with `prefix`, sorted by the host. An empty prefix lists every key.
    public func storageList(prefix: String) throws(ExtensionError) -> [String] {
        let list = try function(table.api.pointee.storage_list, "storage_list")
        var keysJSON = hypermesh_bytes(data: nil, len: 0)
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = Self.withText(prefix) { list(context, $0, $1, &keysJSON, &error) }
        let bytes = table.take(keysJSON)
        try table.check(status, error, operation: "storage_list")
        do {
            return try JSONDecoder().decode([String].self, from: Data(bytes))
        } catch {
            throw .internal("the host's storage_list answer is not a JSON array of strings", cause: "\(error)")
        }
    }

    /// Applies `writes` atomically: either every write takes effect or none does. Writes are
    /// applied in order. An empty batch does nothing and does not call the host.
    public func storageApply(_ writes: [StorageWrite]) throws(ExtensionError) {
        guard !writes.isEmpty else { return }
        let apply = try function(table.api.pointee.storage_apply, "storage_apply")
        let batch: Data
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            batch = try encoder.encode(writes)
        } catch {
            throw .internal("cannot encode a storage batch", cause: "\(error)")
        }
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = batch.withUnsafeBytes { bytes in
            apply(context, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count, &error)
        }
        try table.check(status, error, operation: "storage_apply")
    }

    /// Declares that this extension handles assets of `assetType` (e.g. `catalog.document`).
    public func registerAssetType(_ assetType: String) throws(ExtensionError) {
        let register = try function(table.api.pointee.register_asset_type, "register_asset_type")
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = Self.withText(assetType) { register(context, $0, $1, &error) }
        try table.check(status, error, operation: "register_asset_type")
    }

    /// Publishes `payload` (JSON by convention) on `topic` to the host's listeners.
    public func emitEvent(topic: String, payload: [UInt8]) throws(ExtensionError) {
        let emit = try function(table.api.pointee.emit_event, "emit_event")
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = Self.withText(topic) { topicPointer, topicLength in
            payload.withUnsafeBufferPointer { emit(context, topicPointer, topicLength, $0.baseAddress, $0.count, &error) }
        }
        try table.check(status, error, operation: "emit_event")
    }

    func function<Function>(_ function: Function?, _ name: String) throws(ExtensionError) -> Function {
        guard let function else {
            throw .unavailable("the host provides no \(name) function")
        }
        return function
    }

    /// Calls `body` with a NUL-terminated copy of `text` and its length in UTF-8 bytes.
    static func withText<Result>(_ text: String, _ body: (UnsafePointer<CChar>, Int) -> Result) -> Result {
        text.withCString { body($0, text.utf8.count) }
    }
}
