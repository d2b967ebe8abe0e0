import HyperMeshSecurity

/// What the security layer measured for one loaded extension, for `ext inspect`.
public struct SecuritySnapshot: Sendable, Codable, Equatable {
    public let cpuMillisecondsUsed: UInt64
    public let networkBytesUsed: UInt64
    public let logLinesDropped: Int
    /// Violations so far, per kind (raw value of ``ViolationKind``).
    public let violations: [String: Int]
    public let lastAnomaly: String?
    public let suspended: Bool
    /// In-process and wasm extensions with a CPU share (`cpuPercent`): calls that waited for the
    /// share, and calls refused because a synchronous caller could not wait. Nil without a share
    /// held by admission (no `cpuPercent`, or an isolated extension: its cgroup holds it).
    public let cpuShareThrottledCalls: Int?
    public let cpuShareRefusedCalls: Int?

    init(_ security: SecurityContext, cpuShare: CPUShareThrottle? = nil) {
        cpuMillisecondsUsed = security.cpuNanosecondsUsed / 1_000_000
        networkBytesUsed = security.networkBytesUsed
        logLinesDropped = security.logLinesDropped
        violations = Dictionary(uniqueKeysWithValues: security.violationTotals.map { ($0.key.rawValue, $0.value) })
        lastAnomaly = security.lastAnomaly?.description
        suspended = security.isSuspended
        cpuShareThrottledCalls = cpuShare?.throttledCalls
        cpuShareRefusedCalls = cpuShare?.refusedCalls
    }
}
