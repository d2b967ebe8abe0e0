import CHyperMeshABI
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The worker's end of the host link: the channel, the next request id, and whether the host is
/// serving a request now. Host calls hold the lock for their whole round trip, so calls from
/// several extension threads are serialized; the worker's loop sends each answer under the same
/// lock, so no host call interleaves with it.
final class WorkerHostLink: @unchecked Sendable {
    let channel: FrameChannel
    var nextRequestID: UInt64 = 1
    /// True while the host waits for the answer to a request (and so answers host calls). From
    /// `create`, `destroy` or a thread between requests, nobody would: those get UNAVAILABLE.
    var serving = false

    init(channel: FrameChannel) {
        self.channel = channel
    }

    /// Sends one hostCall and waits for its hostResult. A lost host or a protocol error ends the
    /// worker (exit 3): there is no one left to answer, and the extension must not go on unchecked.
    func call(_ request: HostCallRequest) -> HostCallReply {
        let requestID = nextRequestID
        nextRequestID += 1
        do {
            try channel.send(.hostCall(requestID: requestID, request: request))
            let answer = try channel.receive()
            guard case .hostResult(requestID, let reply) = answer else {
                SandboxWorker.report("expected hostResult \(requestID), received \(answer.kind)")
                exit(3)
            }
            return reply
        } catch {
            SandboxWorker.report("host call \(request.function) failed: \(error)")
            exit(3)
        }
    }
}

/// The `hypermesh_host_api` table the worker hands to the extension's create. C function pointers
/// cannot capture, so there is one hand-written shim per slot (and `app_call`), but each only packs
/// its C arguments as byte strings in the order of the host's declaration of the function (the
/// worker has no Foundation and does not link the host's declarations), sends them to the host
/// (``HostCallArguments``) and copies the answer back: outputs and messages are allocated with the
/// table's `alloc` (malloc) and become the extension's, as the header says. No function decides
/// anything: the host runs its one declaration through its one admission path.
enum WorkerHostTable {
    static let link = Mutex<WorkerHostLink?>(nil)

    /// The context handle given to create: a fixed non-NULL value, never dereferenced (the host
    /// knows which extension a worker runs).
    nonisolated(unsafe) static let context = OpaquePointer(bitPattern: 0x4D48)

    static func forward(_ function: String, _ arguments: [[UInt8]]) -> HostCallReply {
        link.withLock { link in
            guard let link else { return HostCallReply(status: HYPERMESH_ERR_UNAVAILABLE, message: "no host link") }
            guard link.serving else {
                return HostCallReply(status: HYPERMESH_ERR_UNAVAILABLE,
                                     message: "host functions answer only during a call, activate, deactivate, health or a state hand-over (not from create, destroy or a thread between requests)")
            }
            return link.call(HostCallRequest(function: function, arguments: arguments))
        }
    }

    /// The host now waits for a request's answer: host calls are forwarded.
    static func beginRequest() {
        link.withLock { $0?.serving = true }
    }

    /// Stops forwarding host calls (after any in flight) and runs `send` under the same lock.
    static func endRequest(_ send: () throws(ChannelError) -> Void) throws(ChannelError) {
        try link.withLock { (link) throws(ChannelError) in
            link?.serving = false
            try send()
        }
    }

    static func bytes(_ pointer: UnsafeRawPointer?, _ length: Int) -> [UInt8]? {
        guard length > 0 else { return [] }
        guard let pointer else { return nil }
        return Array(UnsafeRawBufferPointer(start: pointer, count: length))
    }

    static func copy(_ bytes: [UInt8], into output: UnsafeMutablePointer<hypermesh_bytes>?) {
        guard let output else { return }
        guard !bytes.isEmpty, let data = malloc(bytes.count)?.assumingMemoryBound(to: UInt8.self) else {
            output.pointee = hypermesh_bytes(data: nil, len: 0)
            return
        }
        bytes.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: bytes.count) }
        output.pointee = hypermesh_bytes(data: data, len: bytes.count)
    }

    /// Forwards a call whose pointers were checked; NULL with a length is INVALID_ARGUMENT here, as
    /// the broker would answer it.
    static func run(
        _ function: String, _ arguments: [[UInt8]?], output: UnsafeMutablePointer<hypermesh_bytes>?,
        error: UnsafeMutablePointer<hypermesh_error>?, transform: ([UInt8]) -> [UInt8] = { $0 }
    ) -> hypermesh_status {
        let checked = arguments.compactMap { $0 }
        guard checked.count == arguments.count else {
            return fail(error, HYPERMESH_ERR_INVALID_ARGUMENT, "\(function): a NULL pointer with a non-zero length")
        }
        let reply = forward(function, checked)
        if reply.status == HYPERMESH_OK {
            copy(transform(reply.output), into: output)
        } else if let message = reply.message {
            return fail(error, reply.status, message)
        } else if let error {
            error.pointee = hypermesh_error(code: reply.status, message: nil)
        }
        return reply.status
    }

    static func fail(_ error: UnsafeMutablePointer<hypermesh_error>?, _ status: hypermesh_status, _ message: String) -> hypermesh_status {
        if let error { error.pointee = hypermesh_error(code: status, message: strdup(message)) }
        return status
    }

    /// Allocated once, never freed; read-only after initialization.
    nonisolated(unsafe) static let table: UnsafePointer<hypermesh_host_api> = {
        let pointer = UnsafeMutablePointer<hypermesh_host_api>.allocate(capacity: 1)
        pointer.initialize(to: hypermesh_host_api(
            struct_size: UInt32(MemoryLayout<hypermesh_host_api>.size),
            abi_version: HYPERMESH_ABI_VERSION,
            alloc: { length in malloc(max(length, 1)) },
            free: { pointer in Glibc.free(pointer) },
            log: { _, level, message, length in
                var levelBytes = WireWriter()
                levelBytes.i32(level)
                guard let text = WorkerHostTable.bytes(message, length) else { return }
                _ = WorkerHostTable.forward("log", [levelBytes.bytes, text])
            },
            storage_get: { _, key, keyLength, output, error in
                WorkerHostTable.run("storage_get", [WorkerHostTable.bytes(key, keyLength)], output: output, error: error)
            },
            storage_put: { _, key, keyLength, value, valueLength, error in
                WorkerHostTable.run("storage_put", [WorkerHostTable.bytes(key, keyLength), WorkerHostTable.bytes(value, valueLength)], output: nil, error: error)
            },
            storage_delete: { _, key, keyLength, error in
                WorkerHostTable.run("storage_delete", [WorkerHostTable.bytes(key, keyLength)], output: nil, error: error)
            },
            storage_list: { _, prefix, prefixLength, output, error in
                WorkerHostTable.run("storage_list", [WorkerHostTable.bytes(prefix, prefixLength)], output: output, error: error)
            },
            storage_apply: { _, batch, batchLength, error in
                WorkerHostTable.run("storage_apply", [WorkerHostTable.bytes(batch, batchLength)], output: nil, error: error)
            },
            register_asset_type: { _, type, typeLength, error in
                WorkerHostTable.run("register_asset_type", [WorkerHostTable.bytes(type, typeLength)], output: nil, error: error)
            },
            emit_event: { _, topic, topicLength, payload, payloadLength, error in
                WorkerHostTable.run("emit_event", [WorkerHostTable.bytes(topic, topicLength), WorkerHostTable.bytes(payload, payloadLength)], output: nil, error: error)
            },
            file_read: { _, path, pathLength, output, error in
                WorkerHostTable.run("file_read", [WorkerHostTable.bytes(path, pathLength)], output: output, error: error)
            },
            file_write: { _, path, pathLength, data, dataLength, error in
                WorkerHostTable.run("file_write", [WorkerHostTable.bytes(path, pathLength), WorkerHostTable.bytes(data, dataLength)], output: nil, error: error)
            },
            file_list: { _, path, pathLength, output, error in
                WorkerHostTable.run("file_list", [WorkerHostTable.bytes(path, pathLength)], output: output, error: error)
            },
            http_request: { _, request, requestLength, output, error in
                WorkerHostTable.run("http_request", [WorkerHostTable.bytes(request, requestLength)], output: output, error: error)
            },
            consensus_submit: { _, kind, kindLength, payload, payloadLength, output, error in
                WorkerHostTable.run("consensus_submit", [WorkerHostTable.bytes(kind, kindLength), WorkerHostTable.bytes(payload, payloadLength)],
                                    output: output, error: error)
            },
            vm_execute: { _, module, moduleLength, method, methodLength, input, inputLength, budget, output, fuelUsed, error in
                var budgetBytes = WireWriter()
                if let budget, budget.pointee.struct_size >= UInt32(MemoryLayout<hypermesh_vm_budget>.size) {
                    budgetBytes.u64(budget.pointee.fuel)
                    budgetBytes.u64(budget.pointee.memory_bytes)
                }
                return WorkerHostTable.run(
                    "vm_execute",
                    [WorkerHostTable.bytes(module, moduleLength), WorkerHostTable.bytes(method, methodLength),
                     WorkerHostTable.bytes(input, inputLength), budgetBytes.bytes],
                    output: output, error: error
                ) { reply in
                    // The host answers the fuel used (u64 LE) followed by the output.
                    guard reply.count >= 8 else { return reply }
                    var reader = WireReader(reply[0..<8], context: "vm_execute")
                    if let fuelUsed, let fuel = try? reader.u64("fuel") { fuelUsed.pointee = fuel }
                    return Array(reply[8...])
                }
            },
            app_call: { _, name, nameLength, input, inputLength, output, error in
                guard let name = WorkerHostTable.bytes(name, nameLength) else {
                    return WorkerHostTable.fail(error, HYPERMESH_ERR_INVALID_ARGUMENT, "app_call: the name is NULL with a non-zero length")
                }
                // The host checks the name (a name that is not valid UTF-8 is not a valid app name).
                return WorkerHostTable.run("app:" + String(decoding: name, as: UTF8.self), [WorkerHostTable.bytes(input, inputLength)],
                                           output: output, error: error)
            }
        ))
        return UnsafePointer(pointer)
    }()
}
