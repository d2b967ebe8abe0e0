#if canImport(Glibc)
import Glibc
#endif
import CHyperMeshABI
import Synchronization

/// How to start one worker.
public struct WorkerConfiguration: Sendable {
    /// The `hypermesh-sandbox` executable; nil: `HYPERMESH_SANDBOX_EXECUTABLE`, else the one next
    /// to the current executable (see ``WorkerProcess/locateExecutable(_:)``).
    public var executablePath: String?
    /// The extension library the worker maps (after confining itself).
    public var libraryPath: String
    /// What the library's metadata must report.
    public var extensionID: String
    public var version: String
    public var limits: ConfinementLimits
    /// Longest time for one call, activate, deactivate or health, host calls included.
    public var callDeadline: Duration
    /// Longest time from spawning to the loaded frame.
    public var startDeadline: Duration
    /// Where the worker's standard error lines go (through a pipe, each line prefixed with the
    /// worker's pid and extension: see ``WorkerLogRelay``); nil: the host's own standard error.
    public var standardErrorPath: String?
    /// Whether the worker gets new user, mount, network and IPC namespaces (where the kernel allows
    /// them; reported either way). Default true. Off only by the host's own configuration (tests).
    public var namespaces: Bool
    /// The uid and gid the worker runs as; only a root host can start a worker as another user.
    /// nil: the host's own.
    public var workerUser: WorkerUser?

    public init(
        executablePath: String? = nil, libraryPath: String, extensionID: String, version: String,
        limits: ConfinementLimits = ConfinementLimits(), callDeadline: Duration = .seconds(10),
        startDeadline: Duration = .seconds(10), standardErrorPath: String? = nil, namespaces: Bool = true,
        workerUser: WorkerUser? = nil
    ) {
        self.namespaces = namespaces
        self.workerUser = workerUser
        self.executablePath = executablePath
        self.libraryPath = libraryPath
        self.extensionID = extensionID
        self.version = version
        self.limits = limits
        self.callDeadline = callDeadline
        self.startDeadline = startDeadline
        self.standardErrorPath = standardErrorPath
    }
}

/// The answer of a call (or of activate/deactivate, with empty output) as the extension gave it:
/// a non-OK status is the extension's own failure, not a worker error.
public struct WorkerReply: Sendable, Equatable {
    public var status: Int32
    public var output: [UInt8]
    public var message: String?

    public init(status: Int32, output: [UInt8] = [], message: String? = nil) {
        self.status = status
        self.output = output
        self.message = message
    }
}

/// Answers the worker's host calls. The owner passes one that runs the host's broker with the
/// extension's context, so every capability, rate and quota check happens in the host.
public typealias HostCallHandler = @Sendable (HostCallRequest) -> HostCallReply

/// Hears what the sandbox refused while the worker served a request (the names of system calls
/// its seccomp filter trapped, the descriptor table full), and which request that was.
public typealias RefusalHandler = @Sendable (_ events: [String], _ during: String) -> Void

/// One extension running in its own `hypermesh-sandbox` process, reached over a socketpair.
///
/// Start: socketpair (close-on-exec), ``WorkerSpawner`` (new namespaces where allowed, a new
/// session, the worker's end as fd 3, standard input and output on /dev/null, standard error into
/// a pipe read by ``WorkerLogRelay``, default signal dispositions; the worker closes every other
/// inherited descriptor first thing), then hello both ways, load, loaded. Calls are serialized: one
/// request at a time, each with a deadline; host calls arriving meanwhile are answered with
/// ``HostCallHandler``. A deadline that passes kills the worker with SIGKILL; a worker that dies
/// is reaped and reported with its exit status or signal and what it was doing. Once the worker
/// has ended every operation fails with ``WorkerError/notRunning(_:)``; a new worker is a new
/// ``WorkerProcess``.
public final class WorkerProcess: Sendable {
    public let pid: pid_t
    public let metadata: WorkerMetadata
    /// What the worker applied to itself before mapping the library.
    public let confinement: ConfinementReport
    /// The worker's CPU clock, read by the host (nil if the kernel does not offer it).
    public let cpuClock: ProcessCPUClock?
    public let configuration: WorkerConfiguration
    private let handler: HostCallHandler
    private let refusals: RefusalHandler
    private let state: Mutex<State>

    private struct State: ~Copyable {
        var channel: FrameChannel?
        var exit: WorkerExit?
        var nextRequestID: UInt64 = 1
        var cgroups: [String] = []
    }

    /// Starts the worker and loads the extension; throws if any step fails (the worker is then
    /// gone: killed and reaped).
    public init(_ configuration: WorkerConfiguration, hostCalls: @escaping HostCallHandler,
                refusals: @escaping RefusalHandler = { _, _ in }) throws(WorkerError) {
        let executable = try Self.locateExecutable(configuration.executablePath)
        var sockets: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &sockets) == 0 else {
            throw .spawnFailed("socketpair: \(SystemCalls.describe(errno))")
        }
        let spawned: WorkerSpawner.Spawned
        do {
            spawned = try WorkerSpawner.spawn(executable, socket: sockets[1], configuration: configuration)
        } catch {
            close(sockets[0])
            close(sockets[1])
            throw error
        }
        close(sockets[1])
        let pid = spawned.pid
        WorkerLogRelay.start(reading: spawned.standardError, workerPID: pid, extensionID: configuration.extensionID,
                             appendingTo: configuration.standardErrorPath)
        if configuration.limits.requiredLayers.contains(.namespaces), !spawned.namespaces.outcome.isApplied {
            _ = Self.reap(pid, kill: true)
            close(sockets[0])
            throw .confinementUnavailable(layer: .namespaces, reason: "\(spawned.namespaces.outcome)")
        }
        let channel = FrameChannel(descriptor: sockets[0])
        let deadline = ContinuousClock.now + configuration.startDeadline
        let cgroups = Cgroups.folders(ofWorker: pid, memory: configuration.limits.cgroupMemoryBytes != nil,
                                      cpu: configuration.limits.cgroupCPUPercent != nil, pids: configuration.limits.threads != nil)

        func abandon(_ failure: ChannelError, during: String) -> WorkerError {
            let exit = Self.reap(pid, kill: true)
            close(channel.descriptor)
            Cgroups.remove(cgroups)
            return Self.translate(failure, exit: exit, during: during, deadline: configuration.startDeadline)
        }
        do {
            try channel.send(.hello(protocolVersion: SandboxProtocol.version, abiVersion: HYPERMESH_ABI_VERSION))
            let hello = try channel.receive(deadline: deadline)
            guard case .hello(let version, _) = hello else {
                throw ChannelError.frame(.unexpectedMessage(expected: "hello", received: hello.kind.name))
            }
            guard version == SandboxProtocol.version else {
                _ = Self.reap(pid, kill: true)
                close(channel.descriptor)
                Cgroups.remove(cgroups)
                throw WorkerError.versionMismatch(host: SandboxProtocol.version, worker: version)
            }
            try channel.send(.load(libraryPath: configuration.libraryPath, extensionID: configuration.extensionID,
                                   version: configuration.version, limits: configuration.limits))
            let loaded = try channel.receive(deadline: deadline)
            guard case .loaded(let status, let message, let metadata, let reported) = loaded else {
                throw ChannelError.frame(.unexpectedMessage(expected: "loaded", received: loaded.kind.name))
            }
            var confinement = reported
            confinement.steps.insert(spawned.namespaces, at: 0)
            guard status == HYPERMESH_OK, let metadata else {
                _ = Self.reap(pid, kill: false)
                close(channel.descriptor)
                Cgroups.remove(cgroups)
                if let (layer, reason) = ConfinementLayer.missing(in: confinement, required: configuration.limits.requiredLayers) {
                    throw WorkerError.confinementUnavailable(layer: layer, reason: reason)
                }
                throw WorkerError.loadFailed(status: status, message: message, confinement: confinement)
            }
            self.pid = pid
            self.metadata = metadata
            self.confinement = confinement
            self.cpuClock = ProcessCPUClock(pid: pid)
            self.configuration = configuration
            self.handler = hostCalls
            self.refusals = refusals
            self.state = Mutex(State(channel: channel, cgroups: cgroups))
        } catch let error as ChannelError {
            throw abandon(error, during: "start")
        } catch let error as WorkerError {
            throw error
        } catch {
            throw abandon(.system("\(error)"), during: "start")
        }
    }

    deinit { shutdown() }

    /// How the worker ended, or nil while it runs.
    public var exit: WorkerExit? { state.withLock { $0.exit } }

    /// Calls `method` with `input`.
    public func call(method: String, input: [UInt8]) throws(WorkerError) -> WorkerReply {
        try exchange(during: "call \(method)") { id in .call(requestID: id, method: method, input: input) } answer: { id, message in
            guard case .result(id, let status, let output, let text) = message else { return nil }
            return WorkerReply(status: status, output: output, message: text)
        }
    }

    public func activate() throws(WorkerError) -> WorkerReply {
        try exchange(during: "activate") { id in .activate(requestID: id) } answer: { id, message in
            guard case .activated(id, let status, let text) = message else { return nil }
            return WorkerReply(status: status, output: [], message: text)
        }
    }

    public func deactivate() throws(WorkerError) -> WorkerReply {
        try exchange(during: "deactivate") { id in .deactivate(requestID: id) } answer: { id, message in
            guard case .deactivated(id, let status, let text) = message else { return nil }
            return WorkerReply(status: status, output: [], message: text)
        }
    }

    /// The extension's own health JSON, nil when it has none.
    public func health() throws(WorkerError) -> [UInt8]? {
        try exchange(during: "health") { id in .health(requestID: id) } answer: { id, message in
            guard case .healthReport(id, let report) = message else { return nil }
            return .some(report)
        }
    }

    /// Calls the instance's `export_state` (check ``metadata``'s `exportsState` first).
    public func exportState() throws(WorkerError) -> WorkerReply {
        try exchange(during: "export_state") { id in .exportState(requestID: id) } answer: { id, message in
            guard case .stateExported(id, let status, let state, let text) = message else { return nil }
            return WorkerReply(status: status, output: state, message: text)
        }
    }

    /// Calls the instance's `import_state` with `state` (check ``metadata``'s `importsState` first).
    public func importState(_ state: [UInt8]) throws(WorkerError) -> WorkerReply {
        try exchange(during: "import_state") { id in .importState(requestID: id, state: state) } answer: { id, message in
            guard case .stateImported(id, let status, let text) = message else { return nil }
            return WorkerReply(status: status, output: [], message: text)
        }
    }

    /// Asks the worker to destroy the instance and exit; kills it if it has not exited within a
    /// second. Removes the cgroups it created. Idempotent.
    public func shutdown() {
        state.withLock { state in
            guard let channel = state.channel else { return }
            try? channel.send(.shutdown)
            state.exit = Self.reap(pid, kill: false, grace: .seconds(1))
            close(channel.descriptor)
            state.channel = nil
            Cgroups.remove(state.cgroups)
        }
    }

    /// Sends a request and serves host calls until its answer arrives, the deadline passes or the
    /// worker dies.
    private func exchange<Answer>(
        during: @autoclosure () -> String, request: (UInt64) -> SandboxMessage, answer: (UInt64, SandboxMessage) -> Answer?
    ) throws(WorkerError) -> Answer {
        let deadline = configuration.callDeadline
        let handler = self.handler
        let refusals = self.refusals
        let pid = self.pid
        return try state.withLock { (state) throws(WorkerError) -> Answer in
            guard let channel = state.channel else { throw .notRunning(state.exit) }
            let id = state.nextRequestID
            state.nextRequestID += 1
            let end = ContinuousClock.now + deadline
            // Encoded first: a request the protocol cannot carry is refused, and the worker goes on.
            let requestFrame: [UInt8]
            do throws(FrameError) { requestFrame = try FrameCodec.encode(request(id)) } catch { throw .requestTooLarge(error) }
            func fail(_ failure: ChannelError) -> WorkerError {
                let exit = Self.reap(pid, kill: true)
                state.exit = exit
                close(channel.descriptor)
                state.channel = nil
                Cgroups.remove(state.cgroups)
                return Self.translate(failure, exit: exit, during: during(), deadline: deadline)
            }
            do throws(ChannelError) {
                try channel.send(frame: requestFrame, deadline: end)
                while true {
                    let message = try channel.receive(deadline: end)
                    if case .hostCall(let callID, let hostCall) = message {
                        try channel.send(frame: Self.hostResultFrame(callID, handler(hostCall)), deadline: end)
                        continue
                    }
                    if case .refused(id, let events) = message {
                        refusals(events, during())
                        continue
                    }
                    guard let result = answer(id, message) else {
                        throw .frame(.unexpectedMessage(expected: "the answer to \(during())", received: message.kind.name))
                    }
                    return result
                }
            } catch {
                throw fail(error)
            }
        }
    }

    /// The frame of a host call's answer; an answer the protocol cannot carry becomes a
    /// `QUOTA_EXCEEDED` status for the extension (it is the extension's request that was too big).
    static func hostResultFrame(_ callID: UInt64, _ reply: HostCallReply) throws(ChannelError) -> [UInt8] {
        do throws(FrameError) {
            return try FrameCodec.encode(.hostResult(requestID: callID, reply: reply))
        } catch {
            let refusal = HostCallReply(status: HYPERMESH_ERR_QUOTA_EXCEEDED,
                                        message: "the host's answer (\(reply.output.count) bytes) is larger than the worker protocol carries (\(SandboxProtocol.maximumFrameSize) bytes per frame)")
            do throws(FrameError) {
                return try FrameCodec.encode(.hostResult(requestID: callID, reply: refusal))
            } catch {
                throw .frame(error)
            }
        }
    }

    // MARK: - Process

    /// The environment variable that names the worker executable when the configuration does not.
    public static let executableEnvironmentKey = "HYPERMESH_SANDBOX_EXECUTABLE"

    /// `path` if given; else the path in `HYPERMESH_SANDBOX_EXECUTABLE` if set and not empty; else
    /// `hypermesh-sandbox` in the folder of the current executable.
    public static func locateExecutable(_ path: String? = nil) throws(WorkerError) -> String {
        let candidate: String
        if let path {
            candidate = path
        } else if let fromEnvironment = getenv(executableEnvironmentKey).map({ String(cString: $0) }), !fromEnvironment.isEmpty {
            candidate = fromEnvironment
        } else {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
            guard count > 0 else { throw .executableNotFound("(cannot read /proc/self/exe)") }
            let own = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let folder = own.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            candidate = folder + "/hypermesh-sandbox"
        }
        guard access(candidate, X_OK) == 0 else { throw .executableNotFound(candidate) }
        return candidate
    }

    /// Waits for the worker to end. With `kill`, sends SIGKILL first; otherwise waits up to
    /// `grace`, then kills.
    static func reap(_ pid: pid_t, kill shouldKill: Bool, grace: Duration = .milliseconds(500)) -> WorkerExit {
        var status: Int32 = 0
        if shouldKill {
            kill(pid, SIGKILL)
        } else {
            // A worker asked to shut down exits within microseconds: poll at once, then back off
            // from 50 µs to 5 ms.
            let end = ContinuousClock.now + grace
            var pause: UInt32 = 50
            while ContinuousClock.now < end {
                let result = waitpid(pid, &status, WNOHANG)
                if result == pid { return WorkerExit(waitStatus: status) }
                if result < 0 && errno != EINTR { return .signaled(SIGKILL) }
                usleep(pause)
                pause = min(pause * 2, 5_000)
            }
            kill(pid, SIGKILL)
        }
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return .signaled(SIGKILL) }
        }
        return WorkerExit(waitStatus: status)
    }

    /// The typed error for a channel failure, given how the worker ended.
    static func translate(_ failure: ChannelError, exit: WorkerExit, during: String, deadline: Duration) -> WorkerError {
        switch failure {
        case .timedOut:
            return .deadlineExceeded(during: during, deadline: deadline)
        case .closed, .frame(.truncatedFrame):
            return .crashed(exit, during: during)
        case .frame(let error):
            return .protocolViolation(error)
        case .system(let reason):
            return .system(reason)
        }
    }
}
