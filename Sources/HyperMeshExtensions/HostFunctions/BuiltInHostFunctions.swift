import CHyperMeshABI
import Foundation
import HyperMeshManifest
import HyperMeshState
import Logging

/// The built-in host functions, each declared once. `hypermesh_extension.h` documents the C
/// signature of each and `docs/wasm-abi.md` the wasm one; both are derived from these
/// parameters and results (see ``HostFunction``).
extension HostFunctionSet {
    /// `log(level, message)`: never fails; over the rate the line is dropped and counted.
    public static let logging = HostFunctionSet(name: "logging", functions: [
        HostFunction("log", capability: nil, parameters: [.int32("level"), .bytes("message")], result: .none) { call in
            let text = String(validating: call.arguments[1], as: UTF8.self) ?? "<invalid UTF-8 log message>"
            call.context.logger.log(level: HostLogLevel.logger(call.int32(0)), "\(text)")
            return []
        },
    ])

    /// Key-value storage, capability `storage`.
    public static let storage = HostFunctionSet(name: "storage", functions: [
        HostFunction("storage_get", capability: .storage, parameters: [.text("key")], result: .bytes) { call in
            try HostFunctionBodies.storageGet(call.context, call.text(0))
        },
        HostFunction("storage_put", capability: .storage, parameters: [.text("key"), .bytes("value")], result: .status) { call in
            try HostFunctionBodies.storageApply(call.context, [.put(key: call.text(0), value: call.arguments[1])])
            return []
        },
        HostFunction("storage_delete", capability: .storage, parameters: [.text("key")], result: .status) { call in
            try call.context.storage.delete(call.text(0))
            return []
        },
        HostFunction("storage_list", capability: .storage, parameters: [.text("prefix", allowEmpty: true)], result: .bytes) { call in
            Array(try JSONEncoder().encode(try call.context.storage.list(prefix: call.text(0))))
        },
        HostFunction("storage_apply", capability: .storage, parameters: [.bytes("batch")], result: .status) { call in
            try HostFunctionBodies.storageApply(call.context, try StorageBatch.decode(call.arguments[0]))
            return []
        },
    ])

    /// Asset types, capability `assetManagement`.
    public static let assets = HostFunctionSet(name: "assets", functions: [
        HostFunction("register_asset_type", capability: .assetManagement, parameters: [.text("asset type")], result: .status) { call in
            do throws(ExtensionError) {
                try call.context.assets.register(assetType: call.text(0), extensionID: call.extensionID)
            } catch {
                throw HostCallFailure(HYPERMESH_ERR_CONFLICT, error.message)
            }
            return []
        },
    ])

    /// Events to host listeners, capability `events`.
    public static let events = HostFunctionSet(name: "events", functions: [
        HostFunction("emit_event", capability: .events, parameters: [.text("topic"), .bytes("payload")], result: .status) { call in
            call.context.events.publish(ExtensionEvent(extensionID: call.extensionID, topic: call.text(0), payload: call.arguments[1]))
            return []
        },
    ])

    /// Files in the extension's data folder, capability `fileSystemAccess`.
    public static let files = HostFunctionSet(name: "files", functions: [
        HostFunction("file_read", capability: .fileSystemAccess, parameters: [.text("path")], result: .bytes) { call in
            let path = call.text(0)
            return try HostFunctionBodies.files(call.context) { files throws(ConfinedFileError) in try files.read(path) }
        },
        HostFunction("file_write", capability: .fileSystemAccess, parameters: [.text("path"), .bytes("data")], result: .status) { call in
            try HostFunctionBodies.fileWrite(call.context, call.text(0), call.arguments[1])
            return []
        },
        HostFunction("file_list", capability: .fileSystemAccess, parameters: [.text("path", allowEmpty: true)], result: .bytes) { call in
            let path = call.text(0)
            let entries = try HostFunctionBodies.files(call.context) { files throws(ConfinedFileError) in try files.list(path) }
            return HostArguments.json(entries.map { ["name": $0.name, "kind": $0.kind.rawValue, "size": $0.size] as [String: Any] })
        },
    ])

    /// One HTTP request to an allowed host, capability `networkAccess`.
    public static let http = HostFunctionSet(name: "http", functions: [
        HostFunction("http_request", capability: .networkAccess, parameters: [.bytes("request")], result: .bytes) { call in
            try HostFunctionBodies.httpRequest(call.context, call.arguments[0])
        },
    ])

    /// `consensus_submit` on a host without a consensus service: admitted like any function
    /// (capability `consensusAccess`), then UNAVAILABLE. A node replaces it with its consensus set.
    public static let consensusUnavailable = HostFunctionSet(name: "consensus", functions: [
        consensusSubmit { _, _, _ in throw HostCallFailure(HYPERMESH_ERR_UNAVAILABLE, "this host runs no consensus service") },
    ])

    /// The declaration of `consensus_submit(kind, payload) -> decision JSON` with `decide` as its
    /// body (the kind, the payload and the call): the same capability, parameters and result
    /// whichever service answers.
    public static func consensusSubmit(
        _ decide: @escaping @Sendable (_ kind: String, _ payload: [UInt8], _ call: HostCall) throws -> [UInt8]
    ) -> HostFunction {
        HostFunction("consensus_submit", capability: .consensusAccess, parameters: [.text("operation kind"), .bytes("payload")],
                     result: .bytes) { call in
            try decide(call.text(0), call.arguments[1], call)
        }
    }

    /// A module run in the host's VM, capability `vmExecution`. The budget is empty (defaults) or
    /// 16 bytes (fuel, memory bytes; u64 little-endian); the result is the fuel used (u64
    /// little-endian) followed by the module's output. Not offered to wasm guests.
    public static let vmExecution = HostFunctionSet(name: "vm", functions: [
        HostFunction("vm_execute", capability: .vmExecution,
                     parameters: [.bytes("module"), .text("method"), .bytes("input"), .bytes("budget")], result: .bytes,
                     offeredToWasm: false) { call in
            let budget = call.arguments[3]
            guard budget.isEmpty || budget.count == 16 else {
                throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "vm_execute budget is neither empty nor 16 bytes")
            }
            let fuel = budget.isEmpty ? 0 : HostLittleEndian.u64(budget[0..<8])
            let memory = budget.isEmpty ? 0 : HostLittleEndian.u64(budget[8..<16])
            let outcome = try VMExecution.run(call.context, module: call.arguments[0], method: call.text(1), input: call.arguments[2],
                                              fuel: fuel, memoryBytes: memory)
            return HostLittleEndian.bytes(outcome.fuelUsed) + outcome.output
        },
    ])
}

/// Little-endian integers in host call arguments and results.
enum HostLittleEndian {
    static func u64(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) }
    }

    static func bytes(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> UInt64(8 * $0)) }
    }

    static func bytes(_ value: Int32) -> [UInt8] {
        let bits = UInt32(bitPattern: value)
        return (0..<4).map { UInt8(truncatingIfNeeded: bits >> UInt32(8 * $0)) }
    }
}

/// The `hypermesh_log_level` values as swift-log levels (anything unknown is `error`).
enum HostLogLevel {
    static func logger(_ level: Int32) -> Logger.Level {
        switch level {
        case HYPERMESH_LOG_TRACE: .trace
        case HYPERMESH_LOG_DEBUG: .debug
        case HYPERMESH_LOG_INFO: .info
        case HYPERMESH_LOG_WARNING: .warning
        default: .error
        }
    }
}
