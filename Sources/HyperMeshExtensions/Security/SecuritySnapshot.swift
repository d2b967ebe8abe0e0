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

    init(_ security: SecurityContext) {
        cpuMillisecondsUsed = security.cpuNanosecondsUsed / 1_000_000
        networkBytesUsed = security.networkBytesUsed
        logLinesDropped = security.logLinesDropped
        violations = Dictionary(uniqueKeysWithValues: security.violationTotals.map { ($0.key.rawValue, $0.value) })
        lastAnomaly = security.lastAnomaly?.description
        suspended = security.isSuspended
    }
}
