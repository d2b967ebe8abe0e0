/// How a worker process ended.
public enum WorkerExit: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    init(waitStatus status: Int32) {
        let signal = status & 0x7f
        self = signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
    }

    public var description: String {
        switch self {
        case .exited(let code): return "exit status \(code)"
        case .signaled(let signal): return "killed by signal \(signal)"
        }
    }
}

/// Why a worker could not be started or could not answer.
public enum WorkerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No `hypermesh-sandbox` at the given path or next to the current executable.
    case executableNotFound(String)
    /// socketpair or posix_spawn failed.
    case spawnFailed(String)
    /// The worker speaks another protocol version.
    case versionMismatch(host: UInt32, worker: UInt32)
    /// The worker sent something the protocol does not allow (it was killed).
    case protocolViolation(FrameError)
    /// The worker could not load the library (its status and message) after confining itself.
    case loadFailed(status: Int32, message: String?, confinement: ConfinementReport)
    /// The worker died: how, and what it was doing (`call <method>`, `load`, `activate`...).
    case crashed(WorkerExit, during: String)
    /// The operation passed its deadline; the worker was killed with SIGKILL.
    case deadlineExceeded(during: String, deadline: Duration)
    /// The worker had already ended (how, if known).
    case notRunning(WorkerExit?)
    /// A system error on the host side of the socket.
    case system(String)
    /// The request is larger than the protocol carries; it was not sent, and the worker goes on.
    case requestTooLarge(FrameError)
    /// A confinement layer the operator requires is not engaged here; the library was not loaded.
    case confinementUnavailable(layer: ConfinementLayer, reason: String)

    public var description: String {
        switch self {
        case .executableNotFound(let path): return "sandbox.executable_not_found: no hypermesh-sandbox executable at \(path)"
        case .spawnFailed(let reason): return "sandbox.spawn_failed: \(reason)"
        case .versionMismatch(let host, let worker): return "sandbox.version_mismatch: the host speaks protocol \(host), the worker \(worker)"
        case .protocolViolation(let error): return "sandbox.protocol: \(error)"
        case .loadFailed(let status, let message, _): return "sandbox.load_failed: status \(status): \(message ?? "no message")"
        case .crashed(let exit, let during): return "sandbox.crashed: the worker \(exit) during \(during)"
        case .deadlineExceeded(let during, let deadline): return "sandbox.deadline: \(during) passed its deadline of \(deadline); the worker was killed"
        case .notRunning(let exit): return "sandbox.not_running: the worker has ended\(exit.map { " (\($0))" } ?? "")"
        case .system(let reason): return "sandbox.system: \(reason)"
        case .requestTooLarge(let error): return "sandbox.request_too_large: \(error); nothing was sent, the worker goes on"
        case .confinementUnavailable(let layer, let reason):
            return "sandbox.confinement_unavailable: the required layer \(layer) is not engaged (\(reason)); the extension was not loaded"
        }
    }
}
