import HyperMeshErrors

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
public enum WorkerError: HyperMeshError, Equatable {
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

    public var code: HyperMeshErrorCode<WorkerError> {
        switch self {
        case .executableNotFound: .executableNotFound
        case .spawnFailed: .spawnFailed
        case .versionMismatch: .versionMismatch
        case .protocolViolation: .protocolViolation
        case .loadFailed: .loadFailed
        case .crashed: .crashed
        case .deadlineExceeded: .deadlineExceeded
        case .notRunning: .notRunning
        case .system: .system
        case .requestTooLarge: .requestTooLarge
        case .confinementUnavailable: .confinementUnavailable
        }
    }

    public var message: String {
        switch self {
        case .executableNotFound(let path): "no hypermesh-sandbox executable at \(path)"
        case .spawnFailed(let reason): reason
        case .versionMismatch(let host, let worker): "the host speaks protocol \(host), the worker \(worker)"
        case .protocolViolation(let error): "\(error)"
        case .loadFailed(let status, let message, _): "status \(status): \(message ?? "no message")"
        case .crashed(let exit, let during): "the worker \(exit) during \(during)"
        case .deadlineExceeded(let during, let deadline): "\(during) passed its deadline of \(deadline); the worker was killed"
        case .notRunning(let exit): "the worker has ended\(exit.map { " (\($0))" } ?? "")"
        case .system(let reason): reason
        case .requestTooLarge(let error): "\(error); nothing was sent, the worker goes on"
        case .confinementUnavailable(let layer, let reason):
            "the required layer \(layer) is not engaged (\(reason)); the extension was not loaded"
        }
    }

    /// None: the worker's errors carry their reason in the message.
    public var underlyingError: (any Error & Sendable)? { nil }

    public static var knownCodes: [HyperMeshErrorCode<WorkerError>] {
        [.executableNotFound, .spawnFailed, .versionMismatch, .protocolViolation, .loadFailed, .crashed,
         .deadlineExceeded, .notRunning, .system, .requestTooLarge, .confinementUnavailable]
    }
}

extension HyperMeshErrorCode where Domain == WorkerError {
    public static var executableNotFound: Self { Self("sandbox.executable_not_found", .unavailable) }
    public static var spawnFailed: Self { Self("sandbox.spawn_failed", .unavailable) }
    public static var versionMismatch: Self { Self("sandbox.version_mismatch", .internal) }
    public static var protocolViolation: Self { Self("sandbox.protocol", .extensionFailed) }
    public static var loadFailed: Self { Self("sandbox.load_failed", .extensionFailed) }
    public static var crashed: Self { Self("sandbox.crashed", .extensionFailed) }
    public static var deadlineExceeded: Self { Self("sandbox.deadline", .extensionFailed) }
    public static var notRunning: Self { Self("sandbox.not_running", .unavailable) }
    public static var system: Self { Self("sandbox.system", .internal) }
    public static var requestTooLarge: Self { Self("sandbox.request_too_large", .tooLarge) }
    public static var confinementUnavailable: Self { Self("sandbox.confinement_unavailable", .unavailable) }
}
