/// Stops restarting an extension that keeps failing: once `maxFailures` failures fall within
/// `window` of each other the breaker opens and stays open until ``reset()`` (an operator
/// decision). Defaults: 5 failures within 60 s.
///
/// Pure: the caller passes the instant of each failure (read from a `ContinuousClock`), so tests
/// drive it with made-up instants. Failures older than `window` before the latest one are
/// forgotten; the window is inclusive (failures exactly `window` apart count together).
/// Instants are expected in non-decreasing order; an earlier instant is still counted.
public struct CrashLoopBreaker: Sendable {
    /// What to do after a failure.
    public enum Verdict: Sendable, Hashable {
        /// Restart after waiting `delay` (from ``backoff``).
        case restart(after: Duration)
        /// Too many failures in the window: do not restart.
        case stop
    }

    /// Failures that open the breaker. Default 5; values below 1 are treated as 1.
    public let maxFailures: Int
    /// How close together those failures must be. Default 60 s; negative values are treated as zero.
    public let window: Duration
    /// Delays between restarts while the breaker is closed.
    public let backoff: RestartBackoff
    /// True once the breaker stopped restarts; only ``reset()`` closes it.
    public private(set) var isOpen = false
    /// Failures inside the window ending at the latest failure, oldest first.
    public private(set) var recentFailures: [ContinuousClock.Instant] = []

    public init(maxFailures: Int = 5, window: Duration = .seconds(60), backoff: RestartBackoff = RestartBackoff()) {
        self.maxFailures = max(maxFailures, 1)
        self.window = max(window, .zero)
        self.backoff = backoff
    }

    /// Records a failure at `instant` and says whether to restart (and after how long) or stop.
    /// The delay grows with the number of failures currently inside the window.
    public mutating func recordFailure(at instant: ContinuousClock.Instant) -> Verdict {
        recentFailures.append(instant)
        recentFailures.removeAll { instant - $0 > window }
        if recentFailures.count >= maxFailures { isOpen = true }
        return isOpen ? .stop : .restart(after: backoff.delay(afterFailures: recentFailures.count))
    }

    /// How many of the recorded failures lie inside the window ending at `now`.
    public func failures(inWindowEndingAt now: ContinuousClock.Instant) -> Int {
        recentFailures.count { now - $0 <= window }
    }

    /// Closes the breaker and forgets every failure.
    public mutating func reset() {
        isOpen = false
        recentFailures.removeAll()
    }
}
