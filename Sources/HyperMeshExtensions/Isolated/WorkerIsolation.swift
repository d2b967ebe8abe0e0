import HyperMeshManifest
import HyperMeshSandbox
import HyperMeshSecurity

/// Host-side switches for isolated workers that no manifest, policy rule or extension can reach:
/// the host's own configuration, for tests that show what still holds without a layer. Default:
/// everything on.
public struct IsolationSwitches: Sendable, Equatable {
    /// Landlock in the worker (off: the worker skips it and reports it switched off).
    public var landlock: Bool
    /// New namespaces for the worker (off: reported switched off).
    public var namespaces: Bool

    public init(landlock: Bool = true, namespaces: Bool = true) {
        self.landlock = landlock
        self.namespaces = namespaces
    }
}

/// How one isolated extension's worker is confined: its limits (from its quotas, else the
/// operator's `isolatedWorkers` defaults), the layers the operator requires, the host's switches
/// and the user it runs as.
struct WorkerIsolation: Sendable {
    var settings: WorkerIsolationSettings
    var requiredLayers: Set<ConfinementLayer>
    var switches: IsolationSwitches

    init(settings: WorkerIsolationSettings = WorkerIsolationSettings(), requiredLayers: Set<String> = [],
         switches: IsolationSwitches = IsolationSwitches()) {
        self.settings = settings
        self.requiredLayers = Set(requiredLayers.compactMap { ConfinementLayer(name: $0) })
        self.switches = switches
    }

    /// What the worker applies to itself: the memory quota (else the operator's default ceiling)
    /// as its address space, and a declared memory quota also as a cgroup memory limit (a cgroup
    /// costs the worker's start milliseconds, so the default ceiling is RLIMIT_AS alone); the CPU share (`cpuPercent`) as the cgroup
    /// CPU limit; the total CPU quota as CPU seconds; the
    /// descriptor quota as open files; the operator's file size and thread ceilings; no_new_privs,
    /// Landlock and the seccomp filter always (Landlock unless the host switched it off).
    func limits(for quotas: Quotas) -> ConfinementLimits {
        let memory = quotas.memoryBytes ?? settings.memoryBytes
        return ConfinementLimits(
            addressSpaceBytes: memory, cpuSeconds: quotas.cpuMillisecondsTotal.map { $0 / 1_000 + ($0 % 1_000 == 0 ? 0 : 1) },
            openFiles: quotas.fileDescriptors.map(UInt64.init), fileSizeBytes: settings.fileSizeBytes,
            cgroupMemoryBytes: quotas.memoryBytes, cgroupCPUPercent: quotas.cpuPercent.map(UInt64.init), threads: settings.threads, noNewPrivileges: true, seccomp: true,
            landlock: switches.landlock, requiredLayers: requiredLayers)
    }

    var workerUser: WorkerUser? {
        guard let uid = settings.uid, let gid = settings.gid else { return nil }
        return WorkerUser(uid: uid, gid: gid)
    }
}

/// The layers of a worker's confinement report, for `ext inspect` and `hypermesh doctor`.
enum ConfinementLayers {
    static func describe(_ report: ConfinementReport) -> [String] {
        ConfinementLayer.allCases.map { layer in
            if let problem = layer.problem(in: report) { return "\(layer): not engaged (\(problem))" }
            return "\(layer): engaged"
        }
    }
}
