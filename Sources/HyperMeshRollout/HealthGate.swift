/// The bar a node running the new version must clear before the rollout moves on, and under
/// which it is rolled back.
///
/// Defaults: a 30 s window (``windowSeconds``: every node of the current waves must have been
/// active and healthy that long, and the wave must have lasted that long), a 5 % error rate
/// (``maxErrorRate``) that counts only from 20 calls on (``minimumCalls``), and no sandbox or
/// policy violation (``maxViolations`` 0). Codable with these names; missing keys take the defaults.
///
/// Not guaranteed: that a node's counters are fresh — the verdict judges the last progress the
/// node wrote; a node that stops writing is caught only when its lease expires.
public struct HealthGate: Sendable, Hashable, Codable {
    public var windowSeconds: Double
    public var maxErrorRate: Double
    public var minimumCalls: Int
    public var maxViolations: Int

    public init(windowSeconds: Double = 30, maxErrorRate: Double = 0.05, minimumCalls: Int = 20, maxViolations: Int = 0) {
        self.windowSeconds = windowSeconds
        self.maxErrorRate = maxErrorRate
        self.minimumCalls = minimumCalls
        self.maxViolations = maxViolations
    }

    /// Unhealthy when the node says so (`node n3: health check failing: <detail>`), when its error
    /// rate exceeds ``maxErrorRate`` over at least ``minimumCalls`` calls, or when its violations
    /// exceed ``maxViolations``. The stage is not looked at: callers judge `active` nodes.
    public func verdict(for progress: NodeRolloutProgress) -> HealthVerdict {
        let node = "node \(progress.nodeID)"
        if !progress.healthy {
            return .unhealthy(reason: "\(node): health check failing: \(progress.detail ?? "no detail")")
        }
        if progress.calls >= minimumCalls, progress.calls > 0, progress.errorRate > maxErrorRate {
            return .unhealthy(reason: "\(node): error rate \(Self.percent(progress.errorRate)) over \(progress.calls) calls exceeds \(Self.percent(maxErrorRate))")
        }
        if progress.violations > maxViolations {
            return .unhealthy(reason: "\(node): \(progress.violations) violations exceed \(maxViolations)")
        }
        return .healthy
    }

    /// Nil when the gate is usable, else what is wrong with it.
    public var problem: String? {
        if !windowSeconds.isFinite || windowSeconds < 0 { return "gate window \(windowSeconds) s is not a non-negative number" }
        if !maxErrorRate.isFinite || maxErrorRate < 0 || maxErrorRate > 1 { return "gate maxErrorRate \(maxErrorRate) is not in [0, 1]" }
        if minimumCalls < 0 { return "gate minimumCalls \(minimumCalls) is negative" }
        if maxViolations < 0 { return "gate maxViolations \(maxViolations) is negative" }
        return nil
    }

    private enum CodingKeys: String, CodingKey { case windowSeconds, maxErrorRate, minimumCalls, maxViolations }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = HealthGate()
        windowSeconds = try container.decodeIfPresent(Double.self, forKey: .windowSeconds) ?? defaults.windowSeconds
        maxErrorRate = try container.decodeIfPresent(Double.self, forKey: .maxErrorRate) ?? defaults.maxErrorRate
        minimumCalls = try container.decodeIfPresent(Int.self, forKey: .minimumCalls) ?? defaults.minimumCalls
        maxViolations = try container.decodeIfPresent(Int.self, forKey: .maxViolations) ?? defaults.maxViolations
    }

    /// `12%`, `5%`, `2.5%`.
    static func percent(_ rate: Double) -> String {
        let value = (rate * 1000).rounded() / 10
        return WaveShares.format(value) + "%"
    }
}
