/// One anomaly the detector found: which measure, the value that tripped it and the baseline it
/// was compared with.
public struct Anomaly: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Measure: String, Sendable, Hashable, Codable, CaseIterable {
        /// CPU time of one call, in microseconds (thread CPU clock).
        case cpuPerCall = "cpu_per_call"
        /// Calls per second over the detector's rate window.
        case callRate = "call_rate"
        /// Memory in use, in bytes, where the mode can measure it.
        case memory
    }

    public enum Kind: String, Sendable, Hashable, Codable {
        /// One sample past N standard deviations above the running mean.
        case spike
        /// The measure grew at every one of the last N samples.
        case sustainedGrowth = "sustained_growth"
    }

    public let measure: Measure
    public let kind: Kind
    public let value: Double
    public let mean: Double
    /// The deviation the value was judged against: the baseline's σ, or the settings' floor
    /// (``AnomalySettings/minimumRelativeDeviation`` of the mean) when σ is smaller.
    public let standardDeviation: Double
    /// Standard deviations above the mean (spikes), or the number of growing samples (growth).
    public let score: Double

    public var description: String {
        switch kind {
        case .spike:
            return "\(measure.rawValue) spike: \(Self.format(value)) is \(Self.format(score)) standard deviations above the mean \(Self.format(mean)) (σ \(Self.format(standardDeviation)))"
        case .sustainedGrowth:
            return "\(measure.rawValue) grew at each of the last \(Int(score)) samples, now \(Self.format(value))"
        }
    }

    static func format(_ value: Double) -> String {
        value.isInfinite ? "∞" : String(Int64(value.rounded()))
    }
}
