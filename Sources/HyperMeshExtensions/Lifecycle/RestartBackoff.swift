/// How long to wait before restarting a failed extension: exponential, with a cap.
///
/// The delay after the first failure is `initial`, and each further consecutive failure
/// multiplies it by `factor`, up to `maximum`: with the defaults (1 s, ×2, 30 s) the delays are
/// 1, 2, 4, 8, 16, 30, 30, … seconds. A pure function: no clock, no randomness (add jitter at
/// the call site if many extensions may restart together).
public struct RestartBackoff: Sendable, Hashable {
    /// Delay after the first failure. Default 1 s. Negative values are treated as zero.
    public let initial: Duration
    /// Multiplier per further failure. Default 2. Values below 1 are treated as 1 (constant delay).
    public let factor: Int
    /// Upper bound of every delay. Default 30 s. A cap below `initial` caps `initial` too.
    public let maximum: Duration

    public init(initial: Duration = .seconds(1), factor: Int = 2, maximum: Duration = .seconds(30)) {
        self.initial = max(initial, .zero)
        self.factor = max(factor, 1)
        self.maximum = max(maximum, .zero)
    }

    /// The delay before the restart that follows the `failures`-th consecutive failure
    /// (`failures` ≥ 1; zero or less gives no delay).
    public func delay(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        var delay = min(initial, maximum)
        guard factor > 1, delay > .zero else { return delay }
        // Stop multiplying once the cap is reached, so huge failure counts cannot overflow.
        for _ in 1..<failures {
            if delay > maximum / factor { return maximum }
            delay *= factor
        }
        return delay
    }
}
