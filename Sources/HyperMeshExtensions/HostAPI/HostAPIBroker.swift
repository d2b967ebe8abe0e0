import CHyperMeshABI
import Foundation
import HyperMeshManifest

/// The `hypermesh_host_api` table native extensions get, shared by every extension: one
/// trampoline per fixed slot, plus `app_call`. C function pointers cannot capture, so these are
/// hand-written, but each only unpacks its C arguments into byte strings, finds the caller's
/// ``HostContext`` from the context handle and runs the ONE declaration of its function
/// (``HostFunctionSet/builtIn``, or the context's app functions) through
/// ``HostFunctionCall/run(_:context:arguments:)``, then packs the outcome. Nothing is decided
/// here: capability, rate, quota, audit and violations are all in that one path.
///
/// Every entry validates its pointers (NULL with a non-zero length, or a NULL output cell, is
/// `INVALID_ARGUMENT` before anything runs), never throws across the C boundary, and fills
/// `out_error` (message allocated with `malloc`, which is the table's `alloc`) when the caller
/// passed one.
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
                let text = C.bytes(message, length) ?? Array("<invalid log message pointer>".utf8)
                _ = HostFunctionCall.run(host.functions[.log], context: host, arguments: [HostLittleEndian.bytes(level), text])
            },
            storage_get: { context, key, keyLength, output, error in
                C.call(context, .storageGet, [C.argument(key, keyLength)], output, error)
            },
            storage_put: { context, key, keyLength, value, valueLength, error in
                C.call(context, .storagePut, [C.argument(key, keyLength), C.argument(value, valueLength)], nil, error)
            },
            storage_delete: { context, key, keyLength, error in
                C.call(context, .storageDelete, [C.argument(key, keyLength)], nil, error)
            },
            storage_list: { context, prefix, prefixLength, output, error in
                C.call(context, .storageList, [C.argument(prefix, prefixLength)], output, error)
            },
            storage_apply: { context, batch, batchLength, error in
                C.call(context, .storageApply, [C.argument(batch, batchLength)], nil, error)
            },
            register_asset_type: { context, assetType, length, error in
                C.call(context, .registerAssetType, [C.argument(assetType, length)], nil, error)
            },
            emit_event: { context, topic, topicLength, payload, payloadLength, error in
                C.call(context, .emitEvent, [C.argument(topic, topicLength), C.argument(payload, payloadLength)], nil, error)
            },
            file_read: { context, path, pathLength, output, error in
                C.call(context, .fileRead, [C.argument(path, pathLength)], output, error)
            },
            file_write: { context, path, pathLength, data, dataLength, error in
                C.call(context, .fileWrite, [C.argument(path, pathLength), C.argument(data, dataLength)], nil, error)
            },
            file_list: { context, path, pathLength, output, error in
                C.call(context, .fileList, [C.argument(path, pathLength)], output, error)
            },
            http_request: { context, request, requestLength, output, error in
                C.call(context, .httpRequest, [C.argument(request, requestLength)], output, error)
            },
            consensus_submit: { context, kind, kindLength, payload, payloadLength, output, error in
                C.call(context, .consensusSubmit, [C.argument(kind, kindLength), C.argument(payload, payloadLength)], output, error)
            },
            vm_execute: { context, module, moduleLength, method, methodLength, input, inputLength, budget, output, fuelUsed, error in
                // The budget as the declaration takes it: empty, or fuel and memory (u64 LE); a
                // field outside the caller's struct_size is 0 (the default).
                let budgetBytes = budget.map { budget in
                    HostLittleEndian.bytes(budget.pointee.struct_size >= 16 ? budget.pointee.fuel : 0)
                        + HostLittleEndian.bytes(budget.pointee.struct_size >= 24 ? budget.pointee.memory_bytes : 0)
                } ?? []
                return C.call(context, .vmExecute, [C.argument(module, moduleLength), C.argument(method, methodLength),
                                                    C.argument(input, inputLength), C.Argument(bytes: budgetBytes, length: budgetBytes.count)], output, error) { result in
                    // The declaration answers the fuel used (u64 LE) followed by the output.
                    fuelUsed?.pointee = HostLittleEndian.u64(result.prefix(8))
                    return Array(result.dropFirst(8))
                }
            },
            app_call: { context, name, nameLength, input, inputLength, output, errorOut in
                guard let host = HostAPIBroker.context(context) else {
                    return C.fail(errorOut, HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "NULL context handle"))
                }
                guard let nameBytes = C.bytes(name, nameLength), let appName = String(validating: nameBytes, as: UTF8.self) else {
                    return C.fail(errorOut, HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "app_call: the name is NULL or not valid UTF-8"))
                }
                guard let inputBytes = C.bytes(input, inputLength) else {
                    return C.fail(errorOut, HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "app_call: the input is NULL with length \(inputLength)"))
                }
                guard let output else {
                    return C.fail(errorOut, HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "app_call: the output pointer is NULL"))
                }
                let function: HostFunction
                do throws(HostCallFailure) {
                    function = try host.functions.app(appName)
                } catch {
                    return C.fail(errorOut, error)
                }
                return C.finish(HostFunctionCall.run(function, context: host, arguments: [inputBytes]), output, errorOut)
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

    /// Unpacking and packing for the trampolines.
    private enum C {
        /// One C argument: its bytes (empty for length 0), nil for NULL with a non-zero length.
        struct Argument {
            let bytes: [UInt8]?
            let length: Int
        }

        static func bytes<Element>(_ pointer: UnsafePointer<Element>?, _ length: Int) -> [UInt8]? {
            guard length > 0 else { return [] }
            guard let pointer else { return nil }
            return Array(UnsafeRawBufferPointer(start: UnsafeRawPointer(pointer), count: length))
        }

        static func argument<Element>(_ pointer: UnsafePointer<Element>?, _ length: Int) -> Argument {
            Argument(bytes: bytes(pointer, length), length: length)
        }

        /// Runs the built-in at `slot` for the caller behind `handle`; `output` is nil for the
        /// functions that answer a status only.
        static func call(
            _ handle: OpaquePointer?, _ slot: BuiltInSlot, _ arguments: [Argument],
            _ output: UnsafeMutablePointer<hypermesh_bytes>?, _ error: UnsafeMutablePointer<hypermesh_error>?,
            transform: ([UInt8]) -> [UInt8] = { $0 }
        ) -> hypermesh_status {
            guard let host = HostAPIBroker.context(handle) else {
                return fail(error, HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "NULL context handle"))
            }
            let function = host.functions[slot]
            var checked: [[UInt8]] = []
            checked.reserveCapacity(arguments.count)
            for (index, argument) in arguments.enumerated() {
                guard let bytes = argument.bytes else {
                    return fail(error, HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT,
                                                       "\(function.name): \(function.parameters[index].name) is NULL with length \(argument.length)"))
                }
                checked.append(bytes)
            }
            if function.result == .bytes, output == nil {
                return fail(error, HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "\(function.name): the output pointer is NULL"))
            }
            var outcome = HostFunctionCall.run(function, context: host, arguments: checked)
            if outcome.status == HYPERMESH_OK, function.result == .bytes { outcome.output = transform(outcome.output) }
            return finish(outcome, output, error)
        }

        /// Hands an outcome to the C caller: the output (allocated with `alloc`) or the error.
        static func finish(
            _ outcome: HostFunctionCall.Outcome, _ output: UnsafeMutablePointer<hypermesh_bytes>?, _ error: UnsafeMutablePointer<hypermesh_error>?
        ) -> hypermesh_status {
            guard outcome.status == HYPERMESH_OK else {
                return fail(error, HostCallFailure(outcome.status, outcome.message ?? "host function failed with status \(outcome.status)"))
            }
            if let output { output.pointee = CBuffers.allocate(outcome.output) }
            return HYPERMESH_OK
        }

        static func fail(_ error: UnsafeMutablePointer<hypermesh_error>?, _ failure: HostCallFailure) -> hypermesh_status {
            if let error {
                error.pointee.code = failure.status
                error.pointee.message = CBuffers.duplicate(failure.message)
            }
            return failure.status
        }
    }
}

/// Holds the one host table. The table is immutable after creation, so sharing it is safe.
private final class HostTable: @unchecked Sendable {
    let pointer: UnsafePointer<hypermesh_host_api>
    init(_ make: () -> UnsafePointer<hypermesh_host_api>) { pointer = make() }
}
