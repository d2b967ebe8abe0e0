/// A layer of a worker's confinement that an operator can require (policy key
/// `requiredIsolationLayers`, host-wide in the `isolation` section and per rule). An isolated
/// extension whose required layer is not applied is not started: the worker refuses to map the
/// library (``missing(in:required:)``), and the host reports `isolation.confinement_unavailable`
/// naming the layer and why.
public enum ConfinementLayer: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    /// ``Landlock``: the file system, TCP and (ABI 6) signals and abstract sockets.
    case landlock
    /// ``SeccompFilter`` on every thread, after no_new_privs.
    case seccomp
    /// New user, mount, network and IPC namespaces (created by the host when it spawns the worker).
    case namespaces
    /// Every resource limit the worker was given (address space, CPU, files, file size, threads).
    case rlimits
    /// A child cgroup with the memory, CPU and pids limits the worker was given.
    case cgroup

    public var description: String { rawValue }

    public static func < (lhs: ConfinementLayer, rhs: ConfinementLayer) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The steps of a report that make up this layer (by name or name prefix).
    func steps(in report: ConfinementReport) -> [ConfinementStep] {
        switch self {
        case .landlock: return report.steps.filter { $0.name == "landlock" }
        case .seccomp: return report.steps.filter { $0.name == "seccomp" || $0.name == "no_new_privs" }
        case .namespaces: return report.steps.filter { $0.name == "namespaces" }
        case .rlimits: return report.steps.filter { $0.name.hasPrefix("rlimit.") }
        case .cgroup: return report.steps.filter { $0.name == "cgroup" || $0.name.hasPrefix("cgroup.") }
        }
    }

    /// Whether the layer is engaged in `report`: it was taken and every one of its steps applied.
    public func isEngaged(in report: ConfinementReport) -> Bool {
        let steps = steps(in: report)
        return !steps.isEmpty && steps.allSatisfy(\.outcome.isApplied)
    }

    /// Why the layer is not engaged in `report`, or nil when it is.
    public func problem(in report: ConfinementReport) -> String? {
        let steps = steps(in: report)
        if steps.isEmpty { return "not taken (nothing to apply, or switched off by the host)" }
        let failing = steps.filter { !$0.outcome.isApplied }
        if failing.isEmpty { return nil }
        return failing.map { "\($0.name) \($0.outcome)" }.joined(separator: "; ")
    }

    /// The first required layer that `report` does not show engaged, with why.
    public static func missing(in report: ConfinementReport, required: Set<ConfinementLayer>) -> (layer: ConfinementLayer, reason: String)? {
        for layer in required.sorted() {
            if let problem = layer.problem(in: report) { return (layer, problem) }
        }
        return nil
    }

    /// Parses a policy's layer name.
    public init?(name: String) { self.init(rawValue: name) }
}
