import CHyperMeshABI
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The worker side: what `hypermesh-sandbox` runs. It speaks the protocol over one inherited
/// socket, confines itself as the load frame asks, maps the library, creates the extension with
/// ``WorkerHostTable`` (every host function is forwarded to the host as a hostCall frame, so every
/// check stays in the host's broker) and serves calls until shutdown or end of file.
///
/// Exit codes: 0 after shutdown or end of file, 1 when the load failed (after the loaded frame
/// said why), 2 for bad arguments, 3 for a protocol error or a lost host.
public enum SandboxWorker {
    /// Parses `--fd N` (default 3) and runs; returns the exit code.
    public static func main(arguments: [String]) -> Int32 {
        var descriptor: Int32 = 3
        var index = 1
        while index < arguments.count {
            switch arguments[index] {
            case "--fd" where index + 1 < arguments.count:
                guard let value = Int32(arguments[index + 1]), value >= 0 else {
                    report("--fd needs a file descriptor number")
                    return 2
                }
                descriptor = value
                index += 2
            case "--probe" where index + 2 < arguments.count:
                guard let host = pid_t(arguments[index + 2]), fcntl(3, F_GETFD) >= 0 else {
                    report("--probe needs a folder, the host's pid and descriptor 3")
                    return 2
                }
                closeInheritedDescriptors(keeping: 3)
                return SandboxProbe.probe(folder: arguments[index + 1], host: host, output: 3)
            case "--version":
                print("hypermesh-sandbox protocol \(SandboxProtocol.version), ABI \(HYPERMESH_ABI_VERSION)")
                return 0
            default:
                report("usage: hypermesh-sandbox [--fd N]  (started by the HyperMesh host, not by hand)")
                return 2
            }
        }
        guard fcntl(descriptor, F_GETFD) >= 0 else {
            report("file descriptor \(descriptor) is not open")
            return 2
        }
        closeInheritedDescriptors(keeping: descriptor)
        return serve(FrameChannel(descriptor: descriptor))
    }

    /// The extension this worker serves, once the host named it.
    nonisolated(unsafe) static var servedExtension: String?

    /// A line on standard error: a pipe the host reads, which prefixes every line with the worker's
    /// pid and extension (``WorkerLogRelay``), so the line itself is just the text.
    static func report(_ text: String) {
        let line = "hypermesh-sandbox: \(text)\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
    }

    /// Closes every descriptor but 0, 1, 2 and the socket: nothing the host had open leaks in.
    static func closeInheritedDescriptors(keeping descriptor: Int32) {
        var open: [Int32] = []
        if let folder = opendir("/proc/self/fd") {
            while let entry = readdir(folder) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if let fd = Int32(name) { open.append(fd) }
            }
            let own = dirfd(folder)
            closedir(folder)
            open.removeAll { $0 == own }
        } else {
            var limit = rlimit()
            getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
            open = Array(0..<Int32(clamping: min(limit.rlim_cur, 65536)))
        }
        for fd in open where fd > 2 && fd != descriptor { close(fd) }
    }

    private static func serve(_ channel: FrameChannel) -> Int32 {
        do {
            guard case .hello(let version, _) = try channel.receive() else {
                report("the host did not start with hello")
                return 3
            }
            try channel.send(.hello(protocolVersion: SandboxProtocol.version, abiVersion: HYPERMESH_ABI_VERSION))
            guard version == SandboxProtocol.version else {
                report("\(FrameError.versionMismatch(local: SandboxProtocol.version, remote: version))")
                return 3
            }
            guard case .load(let path, let extensionID, let version, let limits) = try channel.receive() else {
                report("the host did not send load after hello")
                return 3
            }
            servedExtension = extensionID
            let confinement = Confinement.apply(limits, libraryPath: path)
            // The namespaces are the host's to create and check.
            if let (layer, reason) = ConfinementLayer.missing(in: confinement, required: limits.requiredLayers.subtracting([.namespaces])) {
                try channel.send(.loaded(status: HYPERMESH_ERR_PERMISSION_DENIED,
                                         message: "the required confinement layer \(layer) is not engaged: \(reason); the library was not loaded",
                                         metadata: nil, confinement: confinement))
                return 1
            }
            // After the confinement: the watchdog's thread runs under it like every other.
            guard OrphanWatchdog.start(watching: channel.descriptor) else {
                report("cannot start the orphan watchdog's thread")
                return 3
            }
            WorkerHostTable.link.withLock { $0 = WorkerHostLink(channel: channel) }
            let loaded: LoadedExtension
            switch LoadedExtension.open(path: path, extensionID: extensionID, version: version) {
            case .success(let value):
                loaded = value
            case .failure(let failure):
                try channel.send(.loaded(status: failure.status, message: failure.message, metadata: nil, confinement: confinement))
                return 1
            }
            try channel.send(.loaded(status: HYPERMESH_OK, message: nil, metadata: loaded.metadata, confinement: confinement))
            // Refusals while the library was created have no request to report with; they were
            // refused all the same.
            _ = SandboxRefusals.take(openFiles: nil)
            while true {
                let message: SandboxMessage
                do {
                    message = try channel.receive()
                } catch .closed {
                    return 0
                }
                /// Runs the extension for one request (its host calls are answered meanwhile), then
                /// sends what the sandbox refused and the answer.
                func serve(_ requestID: UInt64, _ run: () -> SandboxMessage) throws(ChannelError) {
                    WorkerHostTable.beginRequest()
                    let answer = run()
                    try WorkerHostTable.endRequest { () throws(ChannelError) in
                        let events = SandboxRefusals.take(openFiles: limits.openFiles)
                        if !events.isEmpty { try channel.send(.refused(requestID: requestID, events: events)) }
                        try channel.send(answer)
                    }
                }
                switch message {
                case .call(let requestID, let method, let input):
                    try serve(requestID) {
                        let (status, output, text) = loaded.call(method: method, input: input)
                        return .result(requestID: requestID, status: status, output: output, message: text)
                    }
                case .activate(let requestID):
                    try serve(requestID) {
                        let (status, text) = loaded.lifecycle(\.activate)
                        return .activated(requestID: requestID, status: status, message: text)
                    }
                case .deactivate(let requestID):
                    try serve(requestID) {
                        let (status, text) = loaded.lifecycle(\.deactivate)
                        return .deactivated(requestID: requestID, status: status, message: text)
                    }
                case .health(let requestID):
                    try serve(requestID) { .healthReport(requestID: requestID, report: loaded.health()) }
                case .exportState(let requestID):
                    try serve(requestID) {
                        let (status, state, text) = loaded.exportState()
                        return .stateExported(requestID: requestID, status: status, state: state, message: text)
                    }
                case .importState(let requestID, let state):
                    try serve(requestID) {
                        let (status, text) = loaded.importState(state)
                        return .stateImported(requestID: requestID, status: status, message: text)
                    }
                case .shutdown:
                    loaded.destroy()
                    return 0
                default:
                    report("unexpected \(message.kind) from the host")
                    return 3
                }
            }
        } catch {
            report("\(error)")
            return 3
        }
    }
}

/// The extension as the worker holds it: the library handle, the created instance, its metadata.
final class LoadedExtension {
    struct Failure: Error {
        var status: Int32
        var message: String
    }

    let metadata: WorkerMetadata
    private let destroyFunction: hypermesh_extension_destroy_fn
    private var instance: UnsafeMutablePointer<hypermesh_extension>?

    private init(metadata: WorkerMetadata, destroy: hypermesh_extension_destroy_fn, instance: UnsafeMutablePointer<hypermesh_extension>) {
        self.metadata = metadata
        self.destroyFunction = destroy
        self.instance = instance
    }

    static func open(path: String, extensionID: String, version: String) -> Result<LoadedExtension, Failure> {
        _ = dlerror()
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            return .failure(Failure(status: HYPERMESH_ERR_INVALID_ARGUMENT, message: "cannot load the library \(path): \(lastError())"))
        }
        func symbol(_ name: String) -> UnsafeMutableRawPointer? { dlsym(handle, name) }
        guard let metadataSymbol = symbol(HYPERMESH_SYMBOL_METADATA), let createSymbol = symbol(HYPERMESH_SYMBOL_CREATE),
              let destroySymbol = symbol(HYPERMESH_SYMBOL_DESTROY) else {
            return .failure(Failure(status: HYPERMESH_ERR_INVALID_ARGUMENT,
                                    message: "the library \(path) does not export the three hypermesh_extension_* entry points"))
        }
        let metadataFunction = unsafeBitCast(metadataSymbol, to: hypermesh_extension_metadata_fn.self)
        let create = unsafeBitCast(createSymbol, to: hypermesh_extension_create_fn.self)
        let destroy = unsafeBitCast(destroySymbol, to: hypermesh_extension_destroy_fn.self)
        guard let raw = metadataFunction()?.pointee,
              Int(raw.struct_size) >= MemoryLayout<hypermesh_extension_metadata_t>.offset(of: \.name)!,
              let id = raw.id, let libraryVersion = raw.version else {
            return .failure(Failure(status: HYPERMESH_ERR_INVALID_ARGUMENT, message: "hypermesh_extension_metadata() of \(path) is NULL, too small or without id/version"))
        }
        let hasName = Int(raw.struct_size) >= MemoryLayout<hypermesh_extension_metadata_t>.size
        let metadata = WorkerMetadata(abiVersion: raw.abi_version, id: String(cString: id), version: String(cString: libraryVersion),
                                      name: hasName ? raw.name.map { String(cString: $0) } : nil)
        guard metadata.abiVersion == HYPERMESH_ABI_VERSION else {
            return .failure(Failure(status: HYPERMESH_ERR_INVALID_ARGUMENT, message: "the library reports ABI \(metadata.abiVersion), the worker speaks \(HYPERMESH_ABI_VERSION)"))
        }
        guard metadata.id == extensionID, metadata.version == version else {
            return .failure(Failure(status: HYPERMESH_ERR_INVALID_ARGUMENT,
                                    message: "the library is \(metadata.id) \(metadata.version), the host expected \(extensionID) \(version)"))
        }
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        guard let created = create(WorkerHostTable.table, WorkerHostTable.context, &error) else {
            let text = takeMessage(&error) ?? "no message (status \(error.code))"
            return .failure(Failure(status: error.code == HYPERMESH_OK ? HYPERMESH_ERR_INTERNAL : error.code,
                                    message: "hypermesh_extension_create returned NULL: \(text)"))
        }
        guard created.pointee.struct_size >= UInt32(MemoryLayout<hypermesh_extension>.offset(of: \.activate)!),
              created.pointee.handle != nil else {
            destroy(created)
            return .failure(Failure(status: HYPERMESH_ERR_INVALID_ARGUMENT, message: "hypermesh_extension_create returned an instance without a handle function"))
        }
        var described = metadata
        described.exportsState = hypermesh_extension_has_export_state(created) != 0
        described.importsState = hypermesh_extension_has_import_state(created) != 0
        return .success(LoadedExtension(metadata: described, destroy: destroy, instance: created))
    }

    func call(method: String, input: [UInt8]) -> (Int32, [UInt8], String?) {
        guard let instance, let handle = instance.pointee.handle else {
            return (HYPERMESH_ERR_UNAVAILABLE, [], "the instance was destroyed")
        }
        var output = hypermesh_bytes(data: nil, len: 0)
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let length = method.utf8.count
        let status = method.withCString { name in
            input.withUnsafeBufferPointer { bytes in
                handle(instance.pointee.instance, name, length, bytes.baseAddress, bytes.count, &output, &error)
            }
        }
        let bytes = takeBytes(&output)
        let text = takeMessage(&error)
        return (status, status == HYPERMESH_OK ? bytes : [], text)
    }

    func lifecycle(_ entry: KeyPath<hypermesh_extension, (@convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<hypermesh_error>?) -> hypermesh_status)?>) -> (Int32, String?) {
        guard let instance else { return (HYPERMESH_ERR_UNAVAILABLE, "the instance was destroyed") }
        guard instance.pointee.struct_size >= UInt32(MemoryLayout<hypermesh_extension>.offset(of: \.health)!),
              let function = instance.pointee[keyPath: entry] else { return (HYPERMESH_OK, nil) }
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = function(instance.pointee.instance, &error)
        return (status, takeMessage(&error))
    }

    func health() -> [UInt8]? {
        guard let instance, hypermesh_extension_has_health(instance) != 0, let health = instance.pointee.health else { return nil }
        var output = hypermesh_bytes(data: nil, len: 0)
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = health(instance.pointee.instance, &output, &error)
        _ = takeMessage(&error)
        let bytes = takeBytes(&output)
        return status == HYPERMESH_OK ? bytes : nil
    }

    func exportState() -> (Int32, [UInt8], String?) {
        guard let instance, hypermesh_extension_has_export_state(instance) != 0, let export = instance.pointee.export_state else {
            return (HYPERMESH_ERR_UNAVAILABLE, [], "the instance has no export_state entry")
        }
        var output = hypermesh_bytes(data: nil, len: 0)
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = export(instance.pointee.instance, &output, &error)
        let bytes = takeBytes(&output)
        return (status, status == HYPERMESH_OK ? bytes : [], takeMessage(&error))
    }

    func importState(_ state: [UInt8]) -> (Int32, String?) {
        guard let instance, hypermesh_extension_has_import_state(instance) != 0, let function = instance.pointee.import_state else {
            return (HYPERMESH_ERR_UNAVAILABLE, "the instance has no import_state entry")
        }
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = state.withUnsafeBufferPointer { function(instance.pointee.instance, $0.baseAddress, $0.count, &error) }
        return (status, takeMessage(&error))
    }

    func destroy() {
        guard let instance else { return }
        self.instance = nil
        destroyFunction(instance)
    }

    private static func lastError() -> String {
        dlerror().map { String(cString: $0) } ?? "unknown dynamic loader error"
    }
}

/// Takes a callee-filled buffer (allocated with the table's alloc = malloc) and frees it.
func takeBytes(_ bytes: inout hypermesh_bytes) -> [UInt8] {
    defer {
        free(bytes.data)
        bytes = hypermesh_bytes(data: nil, len: 0)
    }
    guard let data = bytes.data, bytes.len > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: bytes.len))
}

/// Takes a callee-filled error message and frees it.
func takeMessage(_ error: inout hypermesh_error) -> String? {
    defer {
        free(error.message)
        error.message = nil
    }
    return error.message.map { String(cString: $0) }
}
