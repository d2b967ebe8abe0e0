import CHyperMeshABI
import Foundation
import HyperMeshManifest
import HyperMeshState
import Logging

/// The host API as native extensions see it: one `hypermesh_host_api` table, shared by every
/// extension, whose functions find the caller's ``HostContext`` from the context handle and ask its
/// ``SecurityContext`` before acting: capability, rate limit and quota, in that order. A refusal
/// is audited and counted as a violation there; this is the only place that decides what an
/// extension may do.
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
                guard host.security.admitLogLine() else {
                    host.counters.recordDenial()
                    return
                }
                let text = HostArguments.string(message, length) ?? "<invalid UTF-8 log message>"
                host.logger.log(level: HostAPIBroker.logLevel(level), "\(text)")
            },
            storage_get: { context, key, keyLength, output, error in
                HostAPIBroker.run(context, error, needs: .storage) { host in
                    try HostFunctions.storageGet(host, key, keyLength, output)
                }
            },
            storage_put: { context, key, keyLength, value, valueLength, error in
                HostAPIBroker.run(context, error, needs: .storage) { host in
                    let key = try HostArguments.requireString(key, keyLength, "key")
                    let bytes = try HostArguments.requireBytes(value, valueLength, "value")
                    try HostFunctions.storageApply(host, [.put(key: key, value: bytes)])
                }
            },
            storage_delete: { context, key, keyLength, error in
                HostAPIBroker.run(context, error, needs: .storage) { host in
                    let key = try HostArguments.requireString(key, keyLength, "key")
                    try host.storage.delete(key)
                }
            },
            storage_list: { context, prefix, prefixLength, output, error in
                HostAPIBroker.run(context, error, needs: .storage) { host in
                    let prefix = try HostArguments.requireString(prefix, prefixLength, "prefix", allowEmpty: true)
                    let keys = try host.storage.list(prefix: prefix)
                    try HostArguments.fill(output, with: Array(try JSONEncoder().encode(keys)))
                }
            },
            storage_apply: { context, batch, batchLength, error in
                HostAPIBroker.run(context, error, needs: .storage) { host in
                    let bytes = try HostArguments.requireBytes(batch, batchLength, "batch")
                    try HostFunctions.storageApply(host, try StorageBatch.decode(bytes))
                }
            },
            register_asset_type: { context, assetType, length, error in
                HostAPIBroker.run(context, error, needs: .assetManagement) { host in
                    let type = try HostArguments.requireString(assetType, length, "asset type")
                    do throws(ExtensionError) {
                        try host.assets.register(assetType: type, extensionID: host.extensionID)
                    } catch {
                        throw HostCallFailure(HYPERMESH_ERR_CONFLICT, error.message)
                    }
                }
            },
            emit_event: { context, topic, topicLength, payload, payloadLength, error in
                HostAPIBroker.run(context, error, needs: .events) { host in
                    let topic = try HostArguments.requireString(topic, topicLength, "topic")
                    let bytes = try HostArguments.requireBytes(payload, payloadLength, "payload")
                    host.events.publish(ExtensionEvent(extensionID: host.extensionID, topic: topic, payload: bytes))
                }
            },
            file_read: { context, path, pathLength, output, error in
                HostAPIBroker.run(context, error, needs: .fileSystemAccess) { host in
                    let path = try HostArguments.requireString(path, pathLength, "path")
                    try HostArguments.fill(output, with: try HostFunctions.files(host) { files throws(ConfinedFileError) in try files.read(path) })
                }
            },
            file_write: { context, path, pathLength, data, dataLength, error in
                HostAPIBroker.run(context, error, needs: .fileSystemAccess) { host in
                    let path = try HostArguments.requireString(path, pathLength, "path")
                    let bytes = try HostArguments.requireBytes(data, dataLength, "data")
                    try HostFunctions.fileWrite(host, path, bytes)
                }
            },
            file_list: { context, path, pathLength, output, error in
                HostAPIBroker.run(context, error, needs: .fileSystemAccess) { host in
                    let path = try HostArguments.requireString(path, pathLength, "path", allowEmpty: true)
                    let entries = try HostFunctions.files(host) { files throws(ConfinedFileError) in try files.list(path) }
                    try HostArguments.fill(output, with: HostArguments.json(entries.map {
                        ["name": $0.name, "kind": $0.kind.rawValue, "size": $0.size] as [String: Any]
                    }))
                }
            },
            http_request: { context, request, requestLength, output, error in
                HostAPIBroker.run(context, error, needs: .networkAccess) { host in
                    let bytes = try HostArguments.requireBytes(request, requestLength, "request")
                    try HostArguments.fill(output, with: try HostFunctions.httpRequest(host, bytes))
                }
            },
            consensus_submit: { context, kind, kindLength, payload, payloadLength, output, error in
                HostAPIBroker.run(context, error, needs: .consensusAccess) { host in
                    let kind = try HostArguments.requireString(kind, kindLength, "operation kind")
                    let bytes = try HostArguments.requireBytes(payload, payloadLength, "payload")
                    try HostArguments.fill(output, with: try HostFunctions.consensusSubmit(host, kind: kind, payload: bytes))
                }
            },
            vm_execute: { context, module, moduleLength, method, methodLength, input, inputLength, budget, output, fuelUsed, error in
                HostAPIBroker.run(context, error, needs: .vmExecution) { host in
                    let module = try HostArguments.requireBytes(module, moduleLength, "module")
                    let method = try HostArguments.requireString(method, methodLength, "method")
                    let input = try HostArguments.requireBytes(input, inputLength, "input")
                    let fuel = budget.map { $0.pointee.struct_size >= 16 ? $0.pointee.fuel : 0 } ?? 0
                    let memory = budget.map { $0.pointee.struct_size >= 24 ? $0.pointee.memory_bytes : 0 } ?? 0
                    let outcome = try VMExecution.run(host, module: module, method: method, input: input, fuel: fuel, memoryBytes: memory)
                    fuelUsed?.pointee = outcome.fuelUsed
                    try HostArguments.fill(output, with: outcome.output)
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

    /// Runs one host function: resolves the caller, asks its security context (capability, rate),
    /// maps every failure to a status and an error message. Every refusal — at admission (capability,
    /// rate, suspension) or inside the function (path escape, network host, quota) — is counted as
    /// a denial in the caller's ``HostCallCounters``.
    static func run(
        _ handle: OpaquePointer?, _ errorOut: UnsafeMutablePointer<hypermesh_error>?, needs capability: Capability,
        _ body: (HostContext) throws -> Void
    ) -> hypermesh_status {
        guard let host = context(handle) else {
            return fail(errorOut, HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "NULL context handle"))
        }
        host.counters.recordCall()
        if let refusal = host.security.admitHostOperation(capability) {
            host.counters.recordDenial()
            return fail(errorOut, refusal)
        }
        do {
            try body(host)
            return HYPERMESH_OK
        } catch let failure as HostCallFailure {
            // A refusal inside the function: a path escape, a host off the allowlist, a quota.
            if failure.isRefusal { host.counters.recordDenial() }
            return fail(errorOut, failure)
        } catch let failure as StateError {
            let status = switch failure.code {
            case .unavailable: HYPERMESH_ERR_UNAVAILABLE
            case .quotaExceeded: HYPERMESH_ERR_QUOTA_EXCEEDED
            default: HYPERMESH_ERR_INVALID_ARGUMENT
            }
            if failure.code == .quotaExceeded { host.counters.recordDenial() }
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
