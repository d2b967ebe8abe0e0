/// When violations suspend an extension: more than `threshold` violations of one kind within
/// `windowSeconds`. From the policy file (`violations` in `defaults` or per extension).
///
/// Defaults: 20 violations of one kind in 60 seconds. Per-kind thresholds override the default
/// threshold for their kind (e.g. `"rate_limited": 200`, since a throttled extension keeps trying).
///
/// `anomaly` is the exception: it counts toward suspension **only when the policy sets a threshold
/// for it** (`"thresholds": {"anomaly": 20}`). An anomaly is the detector's judgment, not an act
/// the policy forbids, and its response is the anomaly action the operator chose; a default
/// threshold would turn `log` or `alert` into `suspend` after 21 anomalies (CPU spikes that a
/// loaded machine produces on its own).
public struct ViolationSettings: Sendable, Hashable, Codable {
    public var windowSeconds: Double
    public var threshold: Int
    public var thresholds: [ViolationKind: Int]

    public init(windowSeconds: Double = 60, threshold: Int = 20, thresholds: [ViolationKind: Int] = [:]) {
        self.windowSeconds = windowSeconds
        self.threshold = threshold
        self.thresholds = thresholds
    }

    public static let standard = ViolationSettings()

    /// Kinds that count toward suspension only with a threshold of their own in ``thresholds``.
    public static let kindsWithoutDefaultThreshold: Set<ViolationKind> = [.anomaly]

    /// The threshold for `kind`; nil when violations of that kind never suspend (an `anomaly`
    /// without a threshold of its own).
    public func threshold(for kind: ViolationKind) -> Int? {
        if let own = thresholds[kind] { return own }
        return Self.kindsWithoutDefaultThreshold.contains(kind) ? nil : threshold
    }
}
