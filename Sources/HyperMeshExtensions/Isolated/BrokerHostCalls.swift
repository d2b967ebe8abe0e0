import CHyperMeshABI
import HyperMeshSandbox

/// Answers the host calls of an extension running in a worker process (``WorkerProcess``) with the
/// one host API table, ``HostAPIBroker/table``, and that extension's ``HostContext``: the same
/// capability, rate, quota, audit and violation checks as for an in-process extension, because
/// it is the same code. The worker only forwards; nothing is decided there.
///
/// Arguments are decoded as ``HostCallArguments`` documents them. A call naming an unknown
/// function or with the wrong number of arguments (a worker that does not follow the protocol)
/// is answered INVALID_ARGUMENT without reaching the broker.
public enum BrokerHostCalls {
    /// The handler to give ``WorkerProcess``; it keeps `context` alive as long as it lives.
    public static func handler(for context: HostContext) -> HostCallHandler {
        { request in answer(request, context: context) }
    }

    static func answer(_ request: HostCallRequest, context: HostContext) -> HostCallReply {
        let table = HostAPIBroker.table.pointee
        let handle = HostAPIBroker.handle(for: context)
        let arguments = request.arguments
        func expect(_ count: Int) -> HostCallReply? {
            arguments.count == count ? nil : HostCallReply(
                status: HYPERMESH_ERR_INVALID_ARGUMENT,
                message: "host call \(request.function) takes \(count) arguments, the worker sent \(arguments.count)")
        }
        return withExtendedLifetime(context) {
            switch request.function {
            case "log":
                if let wrong = expect(2) { return wrong }
                guard arguments[0].count == 4 else {
                    return HostCallReply(status: HYPERMESH_ERR_INVALID_ARGUMENT, message: "log level is not 4 bytes")
                }
                let level = arguments[0].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << UInt32(8 * $1.offset) }
                chars(arguments[1]) { table.log(handle, Int32(bitPattern: level), $0, $1) }
                return HostCallReply(status: HYPERMESH_OK)
            case "storage_get":
                if let wrong = expect(1) { return wrong }
                return withOutput(table) { output, error in chars(arguments[0]) { table.storage_get(handle, $0, $1, output, error) } }
            case "storage_put":
                if let wrong = expect(2) { return wrong }
                return withStatus(table) { error in
                    chars(arguments[0]) { key, keyLength in bytes(arguments[1]) { table.storage_put(handle, key, keyLength, $0, $1, error) } }
                }
            case "storage_delete":
                if let wrong = expect(1) { return wrong }
                return withStatus(table) { error in chars(arguments[0]) { table.storage_delete(handle, $0, $1, error) } }
            case "storage_list":
                if let wrong = expect(1) { return wrong }
                return withOutput(table) { output, error in chars(arguments[0]) { table.storage_list(handle, $0, $1, output, error) } }
            case "storage_apply":
                if let wrong = expect(1) { return wrong }
                return withStatus(table) { error in bytes(arguments[0]) { table.storage_apply(handle, $0, $1, error) } }
            case "register_asset_type":
                if let wrong = expect(1) { return wrong }
                return withStatus(table) { error in chars(arguments[0]) { table.register_asset_type(handle, $0, $1, error) } }
            case "emit_event":
                if let wrong = expect(2) { return wrong }
                return withStatus(table) { error in
                    chars(arguments[0]) { topic, topicLength in bytes(arguments[1]) { table.emit_event(handle, topic, topicLength, $0, $1, error) } }
                }
            case "file_read":
                if let wrong = expect(1) { return wrong }
                return withOutput(table) { output, error in chars(arguments[0]) { table.file_read(handle, $0, $1, output, error) } }
            case "file_write":
                if let wrong = expect(2) { return wrong }
                return withStatus(table) { error in
                    chars(arguments[0]) { path, pathLength in bytes(arguments[1]) { table.file_write(handle, path, pathLength, $0, $1, error) } }
                }
            case "file_list":
                if let wrong = expect(1) { return wrong }
                return withOutput(table) { output, error in chars(arguments[0]) { table.file_list(handle, $0, $1, output, error) } }
            case "http_request":
                if let wrong = expect(1) { return wrong }
                return withOutput(table) { output, error in bytes(arguments[0]) { table.http_request(handle, $0, $1, output, error) } }
            case "consensus_submit":
                if let wrong = expect(2) { return wrong }
                return withOutput(table) { output, error in
                    chars(arguments[0]) { kind, kindLength in
                        bytes(arguments[1]) { table.consensus_submit(handle, kind, kindLength, $0, $1, output, error) }
                    }
                }
            case "vm_execute":
                if let wrong = expect(4) { return wrong }
                return vmExecute(arguments, table: table, handle: handle)
            default:
                return HostCallReply(status: HYPERMESH_ERR_INVALID_ARGUMENT, message: "unknown host function '\(request.function)'")
            }
        }
    }

    /// vm_execute: [module, method, input, budget (empty, or fuel and memory as u64 LE)]; the
    /// reply's output is the fuel used (u64 LE) followed by the module's output.
    private static func vmExecute(_ arguments: [[UInt8]], table: hypermesh_host_api, handle: OpaquePointer) -> HostCallReply {
        func u64(_ bytes: ArraySlice<UInt8>) -> UInt64 {
            bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) }
        }
        let budgetBytes = arguments[3]
        guard budgetBytes.isEmpty || budgetBytes.count == 16 else {
            return HostCallReply(status: HYPERMESH_ERR_INVALID_ARGUMENT, message: "vm_execute budget is neither empty nor 16 bytes")
        }
        var budget = hypermesh_vm_budget(struct_size: UInt32(MemoryLayout<hypermesh_vm_budget>.size), reserved: 0,
                                         fuel: budgetBytes.isEmpty ? 0 : u64(budgetBytes[0..<8]),
                                         memory_bytes: budgetBytes.isEmpty ? 0 : u64(budgetBytes[8..<16]))
        var fuelUsed: UInt64 = 0
        var reply = withOutput(table) { output, error in
            bytes(arguments[0]) { module, moduleLength in
                chars(arguments[1]) { method, methodLength in
                    bytes(arguments[2]) { input, inputLength in
                        withUnsafePointer(to: &budget) { budgetPointer in
                            table.vm_execute(handle, module, moduleLength, method, methodLength, input, inputLength,
                                             budgetBytes.isEmpty ? nil : budgetPointer, output, &fuelUsed, error)
                        }
                    }
                }
            }
        }
        if reply.status == HYPERMESH_OK {
            reply.output = (0..<8).map { UInt8(truncatingIfNeeded: fuelUsed >> UInt64(8 * $0)) } + reply.output
        }
        return reply
    }

    // MARK: - Buffers

    private static func bytes<R>(_ value: [UInt8], _ body: (UnsafePointer<UInt8>?, Int) -> R) -> R {
        value.withUnsafeBufferPointer { body($0.baseAddress, $0.count) }
    }

    private static func chars<R>(_ value: [UInt8], _ body: (UnsafePointer<CChar>?, Int) -> R) -> R {
        value.withUnsafeBufferPointer { buffer in
            body(buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, buffer.count)
        }
    }

    /// Runs a function without an output buffer; returns its status and message (freed here).
    private static func withStatus(
        _ table: hypermesh_host_api, _ call: (UnsafeMutablePointer<hypermesh_error>) -> hypermesh_status
    ) -> HostCallReply {
        withOutput(table) { _, error in call(error) }
    }

    /// Runs a function with an output buffer; copies the output and the message, then frees both
    /// with the table's `free`, as an extension would.
    private static func withOutput(
        _ table: hypermesh_host_api,
        _ call: (UnsafeMutablePointer<hypermesh_bytes>, UnsafeMutablePointer<hypermesh_error>) -> hypermesh_status
    ) -> HostCallReply {
        var output = hypermesh_bytes(data: nil, len: 0)
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = call(&output, &error)
        defer {
            table.free(output.data)
            table.free(error.message)
        }
        let bytes = output.data.map { Array(UnsafeBufferPointer(start: $0, count: output.len)) } ?? []
        let message = error.message.map { String(cString: $0) }
        return HostCallReply(status: status, output: status == HYPERMESH_OK ? bytes : [], message: message)
    }
}
