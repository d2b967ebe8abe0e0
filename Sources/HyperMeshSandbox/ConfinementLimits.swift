/// What a worker applies to itself before it maps an extension library. A nil limit is not
/// applied (and not reported); every other one is applied or reported unavailable/failed.
public struct ConfinementLimits: Sendable, Equatable {
    /// RLIMIT_AS: bytes of address space. Counts every mapping, the worker's own runtime included.
    public var addressSpaceBytes: UInt64?
    /// RLIMIT_CPU: CPU seconds for the whole worker (SIGXCPU at the limit, SIGKILL one second later).
    public var cpuSeconds: UInt64?
    /// RLIMIT_NOFILE: highest file descriptor number plus one.
    public var openFiles: UInt64?
    /// RLIMIT_FSIZE: largest file the worker may write, in bytes (SIGXFSZ beyond).
    public var fileSizeBytes: UInt64?
    /// cgroup memory limit (v2 memory.max, v1 memory.limit_in_bytes), when a child cgroup can be made.
    public var cgroupMemoryBytes: UInt64?
    /// cgroup CPU limit in percent of one CPU (v2 cpu.max, v1 cpu.cfs_quota_us), when a child cgroup can be made.
    public var cgroupCPUPercent: UInt64?
    /// Threads (and processes) the worker may have at once: RLIMIT_NPROC where it counts only the
    /// worker (its own user namespace or a uid of its own), and the cgroup pids controller
    /// (`pids.max`) where a child cgroup can be made. Reported per mechanism.
    public var threads: UInt64?
    /// prctl(PR_SET_NO_NEW_PRIVS, 1).
    public var noNewPrivileges: Bool
    /// The seccomp filter of ``SeccompFilter`` (no new sockets, processes, programs, mounts, tracing).
    public var seccomp: Bool
    /// ``Landlock``: read and execute only what loading needs, write nothing. Off only by the
    /// host's own configuration (tests), never by a manifest or policy.
    public var landlock: Bool
    /// The layers the worker must apply before it maps the library; a layer it cannot apply makes
    /// it refuse to load (see ``ConfinementLayer``). Empty: best effort, reported.
    public var requiredLayers: Set<ConfinementLayer>

    public init(
        addressSpaceBytes: UInt64? = nil, cpuSeconds: UInt64? = nil, openFiles: UInt64? = nil,
        fileSizeBytes: UInt64? = nil, cgroupMemoryBytes: UInt64? = nil, cgroupCPUPercent: UInt64? = nil,
        threads: UInt64? = nil, noNewPrivileges: Bool = true, seccomp: Bool = true, landlock: Bool = true,
        requiredLayers: Set<ConfinementLayer> = []
    ) {
        self.threads = threads
        self.landlock = landlock
        self.requiredLayers = requiredLayers
        self.addressSpaceBytes = addressSpaceBytes
        self.cpuSeconds = cpuSeconds
        self.openFiles = openFiles
        self.fileSizeBytes = fileSizeBytes
        self.cgroupMemoryBytes = cgroupMemoryBytes
        self.cgroupCPUPercent = cgroupCPUPercent
        self.noNewPrivileges = noNewPrivileges
        self.seccomp = seccomp
    }
}

/// What happened to one confinement step.
public enum ConfinementOutcome: Sendable, Equatable, CustomStringConvertible {
    case applied
    /// The mechanism does not exist or may not be used here (kernel, permissions, cgroup layout).
    case unavailable(reason: String)
    /// The mechanism exists but applying it failed.
    case failed(reason: String)

    public var isApplied: Bool { if case .applied = self { true } else { false } }

    public var description: String {
        switch self {
        case .applied: return "applied"
        case .unavailable(let reason): return "unavailable: \(reason)"
        case .failed(let reason): return "failed: \(reason)"
        }
    }
}

/// One step of the confinement: its name (`rlimit.as`, `no_new_privs`, `seccomp`, `cgroup`...),
/// its outcome, and a detail (the value applied, the cgroup path).
public struct ConfinementStep: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var outcome: ConfinementOutcome
    public var detail: String

    public init(_ name: String, _ outcome: ConfinementOutcome, detail: String = "") {
        self.name = name
        self.outcome = outcome
        self.detail = detail
    }

    public var description: String { "\(name): \(outcome)\(detail.isEmpty ? "" : " (\(detail))")" }
}

/// Every step the worker took, in order, and the cgroup folders it created (the host removes them
/// once the worker has exited).
public struct ConfinementReport: Sendable, Equatable, CustomStringConvertible {
    public var steps: [ConfinementStep]
    public var createdCgroups: [String]

    public init(steps: [ConfinementStep] = [], createdCgroups: [String] = []) {
        self.steps = steps
        self.createdCgroups = createdCgroups
    }

    /// The step named `name`, if it was taken.
    public func step(_ name: String) -> ConfinementStep? { steps.first { $0.name == name } }

    public var description: String { steps.map(\.description).joined(separator: "\n") }
}
