/// When violations suspend an extension: more than `threshold` violations of one kind within
/// `windowSeconds`. From the policy file (`violations` in `defaults` or per extension).
///
/// Defaults: 20 violations of one kind in 60 seconds. Per-kind thresholds override the default
/// threshold for their kind (e.g. `"rate_limited": 200`, since a throttled extension keeps trying).
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

    /// The threshold for `kind`.
    public func threshold(for kind: ViolationKind) -> Int { thresholds[kind] ?? threshold }
}
