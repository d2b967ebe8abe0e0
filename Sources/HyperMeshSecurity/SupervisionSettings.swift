/// The policy file's `supervision` section: how the host restarts isolated extensions whose worker
/// ended, and when it gives up (the crash-loop breaker). Every field has a default; the host turns
/// these into its `SupervisionPolicy`.
///
/// ```json
/// "supervision": { "restarts": true, "maxFailures": 5, "windowSeconds": 60,
///                  "initialDelayMilliseconds": 1000, "delayFactor": 2, "maxDelayMilliseconds": 30000 }
/// ```
public struct SupervisionSettings: Sendable, Hashable {
    /// Restart a failed worker at all. Default true.
    public var restarts: Bool
    /// Failures within `windowSeconds` that stop restarts and suspend the extension. Default 5.
    public var maxFailures: Int
    /// Default 60.
    public var windowSeconds: UInt64
    /// The delay before the first restart. Default 1,000 ms.
    public var initialDelayMilliseconds: UInt64
    /// Each further failure multiplies the delay by this. Default 2.
    public var delayFactor: Int
    /// The longest delay. Default 30,000 ms.
    public var maxDelayMilliseconds: UInt64

    public init(restarts: Bool = true, maxFailures: Int = 5, windowSeconds: UInt64 = 60, initialDelayMilliseconds: UInt64 = 1_000,
                delayFactor: Int = 2, maxDelayMilliseconds: UInt64 = 30_000) {
        self.restarts = restarts
        self.maxFailures = maxFailures
        self.windowSeconds = windowSeconds
        self.initialDelayMilliseconds = initialDelayMilliseconds
        self.delayFactor = delayFactor
        self.maxDelayMilliseconds = maxDelayMilliseconds
    }
}
