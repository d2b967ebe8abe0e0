/// How sensitive the anomaly detector is, and what the host does when it fires. From the policy
/// file (`anomaly` in `defaults` or per extension); every field has a default.
public struct AnomalySettings: Sendable, Hashable, Codable {
    /// A sample more than this many standard deviations above the mean is a spike. Default 6.
    public var deviations: Double
    /// Samples needed before spikes are judged (the baseline must exist first). Default 50.
    public var warmupSamples: Int
    /// Consecutive growing memory samples that count as sustained growth. Default 8.
    public var growthSamples: Int
    /// Spikes below this absolute CPU time per call (µs) are ignored: noise at the microsecond
    /// scale is not an attack. Default 1,000 µs.
    public var minimumCPUMicroseconds: Double
    /// The smallest standard deviation a spike is judged against, as a fraction of the mean:
    /// a baseline of near-identical samples (σ 0.3 % of the mean) would otherwise call ordinary
    /// scheduler jitter a many-σ spike. With the default 0.1 and `deviations` 6, a sample must be
    /// at least 60 % above the mean. 0 judges against the raw σ. Default 0.1.
    public var minimumRelativeDeviation: Double
    /// What the host does when the detector fires. Default ``AnomalyAction/alert``.
    public var action: AnomalyAction
    /// The operations-per-second a ``AnomalyAction/throttle`` sets. Default 10.
    public var throttleRate: UInt32

    public init(
        deviations: Double = 6, warmupSamples: Int = 50, growthSamples: Int = 8,
        minimumCPUMicroseconds: Double = 1_000, minimumRelativeDeviation: Double = 0.1, action: AnomalyAction = .alert, throttleRate: UInt32 = 10
    ) {
        self.deviations = deviations
        self.warmupSamples = warmupSamples
        self.growthSamples = growthSamples
        self.minimumCPUMicroseconds = minimumCPUMicroseconds
        self.minimumRelativeDeviation = minimumRelativeDeviation
        self.action = action
        self.throttleRate = throttleRate
    }

    public static let standard = AnomalySettings()
}
