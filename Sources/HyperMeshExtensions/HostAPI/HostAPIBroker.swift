import CHyperMeshABI
import Foundation
import HyperMeshManifest
import HyperMeshState
import Logging

/// The host API as native extensions see it: one `hypermesh_host_api` table, shared by every
/// extension, whose functions find the caller's ``HostContext`` from the context handle and check
/// the grant before acting. This is the only place that decides what an extension may do.
///
/// Every entry validates its pointers (NULL with a non-zero length is `INVALID_ARGUMENT`), never
/// throws across the C boundary, and fills `out_error` (message allocated with `malloc`, which is
/// the table's `alloc`) when the caller passed one.
public enum HostAPIBroker {
    /// The table handed to every native extension's `create`. Allocated once, never freed.
    public static var table: UnsafePointer<hypermesh_host_api> { sharedTable.pointer }

    private static let sharedTable = HostTable {
        let pointer = UnsafeMutablePointer<hypermesh_host_api>.allocate(capacity: 1)
        pointer.initialize(to: hypermesh_host_api(
            struct_size: UInt32(MemoryLayout<hypermesh_host_api>.size),
            abi_version: HYPERMESH_ABI_VERSION,
            alloc: { length in malloc(max(length, 1)) },
            free: { pointer in Foundation.free(pointer) },
            log: { context, level, message, length in
                guard let host = HostAPIBroker.context(context) else { return }
                host.counters.recordCall()
                let text = HostAPIBroker.string(message, length) ?? "<invalid UTF-8 log message>"
                host.logger.log(level: HostAPIBroker.logLevel(level), "\(text)")
            },
            storage_get: { context, key, keyLength, output, error in
                HostAPIBroker.run(context, error, needs: .storage) { host in
                    let key = try HostAPIBroker.requireString(key, keyLength, "key")
                    guard let value = try host.storage.get(key) else {
                        throw HostCallFailure(HYPERMESH_ERR_NOT_FOUND, "no value stored under '\(key)'")
                    }
                    try HostAPIBroker.fill(output, with: value)
                }
            },
            storage_put: { context, key, keyLength, value, valueLength, error in
                HostAPIBroker.run(context, error, needs: .storage) { host in
                    let key = try HostAPIBroker.requireString(key, keyLength, "key")
                    let bytes = try HostAPIBroker.requireBytes(value, valueLength, "value")
                    try host.storage.put(key, bytes)
                }
            },
            storage_delete: { context, key, keyLength, error in
                HostAPIBroker.run(context, error, needs: .storage) { host in
                    let key = try HostAPIBroker.requireString(key, keyLength, "key")
                    try host.storage.delete(key)
                }
            },
            storage_list: { context, prefix, prefixLength, output, error in
                HostAPIBroker.run(context, error, needs: .storage) { host in
                    let prefix = try HostAPIBroker.requireString(prefix, prefixLength, "prefix", allowEmpty: true)
                    let keys = try host.storage.list(prefix: prefix)
                    try HostAPIBroker.fill(output, with: Array(try JSONEncoder().encode(keys)))
                }
            },
            storage_apply: { context, batch, batchLength, error in
                HostAPIBroker.run(context, error, needs: .storage) { host in
                    let bytes = try HostAPIBroker.requireBytes(batch, batchLength, "batch")
                    try host.storage.apply(try StorageBatch.decode(bytes))
                }
            },
            register_asset_type: { context, assetType, length, error in
                HostAPIBroker.run(context, error, needs: .assetManagement) { host in
                    let type = try HostAPIBroker.requireString(assetType, length, "asset type")
                    do throws(ExtensionError) {
                        try host.assets.register(assetType: type, extensionID: host.extensionID)
                    } catch {
                        throw HostCallFailure(HYPERMESH_ERR_CONFLICT, error.message)
                    }
                }
            },
            emit_event: { context, topic, topicLength, payload, payloadLength, error in
                HostAPIBroker.run(context, error, needs: .events) { host in
                    let topic = try HostAPIBroker.requireString(topic, topicLength, "topic")
                    let bytes = try HostAPIBroker.requireBytes(payload, payloadLength, "payload")
                    host.events.publish(ExtensionEvent(extensionID: host.extensionID, topic: topic, payload: bytes))
                }
            }
        ))
        return UnsafePointer(pointer)
    }

    /// The opaque handle for a context. Valid while the context is alive (the instance retains it).
    static func handle(for context: HostContext) -> OpaquePointer {
        OpaquePointer(Unmanaged.passUnretained(context).toOpaque())
    }

    static func context(_ handle: OpaquePointer?) -> HostContext? {
        guard let handle else { return nil }
        return Unmanaged<HostContext>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue()
    }

    /// Runs one host function: resolves the caller, checks the capability, maps every failure
    /// to a status and an error message.
    static func run(
        _ handle: OpaquePointer?, _ errorOut: UnsafeMutablePointer<hypermesh_error>?, needs capability: Capability,
        _ body: (HostContext) throws -> Void
    ) -> hypermesh_status {
        guard let host = context(handle) else {
            return fail(errorOut, HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "NULL context handle"))
        }
        host.counters.recordCall()
        guard host.grantedCapabilities.contains(capability) else {
            host.counters.recordDenial()
            host.logger.warning("host call denied: capability '\(capability.rawValue)' not granted")
            return fail(errorOut, HostCallFailure(HYPERMESH_ERR_PERMISSION_DENIED,
                                               "\(host.extensionID) was not granted the '\(capability.rawValue)' capability; declare it in extension.json"))
        }
        do {
            try body(host)
            return HYPERMESH_OK
        } catch let failure as HostCallFailure {
            return fail(errorOut, failure)
        } catch let failure as StateError {
            let status = failure.code == .unavailable ? HYPERMESH_ERR_UNAVAILABLE : HYPERMESH_ERR_INVALID_ARGUMENT
            return fail(errorOut, HostCallFailure(status, failure.description))
        } catch {
            return fail(errorOut, HostCallFailure(HYPERMESH_ERR_INTERNAL, "\(error)"))
        }
    }

    static func fail(_ error: UnsafeMutablePointer<hypermesh_error>?, _ failure: HostCallFailure) -> hypermesh_status {
        if let error {
            error.pointee.code = failure.status
            error.pointee.message = CBuffers.duplicate(failure.message)
        }
        return failure.status
    }

    static func string(_ pointer: UnsafePointer<CChar>?, _ length: Int) -> String? {
        guard length > 0 else { return "" }
        guard let pointer else { return nil }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(validating: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    static func requireString(_ pointer: UnsafePointer<CChar>?, _ length: Int, _ what: String, allowEmpty: Bool = false) throws -> String {
        guard let text = string(pointer, length) else {
            throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "\(what) is NULL or not valid UTF-8")
        }
        if text.isEmpty && !allowEmpty {
            throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "\(what) is empty")
        }
        return text
    }

    static func requireBytes(_ pointer: UnsafePointer<UInt8>?, _ length: Int, _ what: String) throws -> [UInt8] {
        guard length > 0 else { return [] }
        guard let pointer else {
            throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "\(what) is NULL with length \(length)")
        }
        return Array(UnsafeBufferPointer(start: pointer, count: length))
    }

    static func fill(_ output: UnsafeMutablePointer<hypermesh_bytes>?, with bytes: [UInt8]) throws {
        guard let output else { throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "output buffer pointer is NULL") }
        output.pointee = CBuffers.allocate(bytes)
    }

    static func logLevel(_ level: hypermesh_log_level) -> Logger.Level {
        switch level {
        case HYPERMESH_LOG_TRACE: return .trace
        case HYPERMESH_LOG_DEBUG: return .debug
        case HYPERMESH_LOG_INFO: return .info
        case HYPERMESH_LOG_WARNING: return .warning
        default: return .error
        }
    }
}

/// Holds the one host table. The table is immutable after creation, so sharing it is safe.
private final class HostTable: @unchecked Sendable {
    let pointer: UnsafePointer<hypermesh_host_api>
    init(_ make: () -> UnsafePointer<hypermesh_host_api>) { pointer = make() }
}

/// A host function's refusal: the status returned to the extension and the message it gets.
struct HostCallFailure: Error {
    let status: hypermesh_status
    let message: String
    init(_ status: hypermesh_status, _ message: String) {
        self.status = status
        self.message = message
    }
}
