/// The registry's supervision record of one extension: its crash-loop breaker (created at the first
/// worker failure), how many restarts it made, and the token of the restart it is waiting for.
struct WorkerSupervision {
    var breaker: CrashLoopBreaker?
    /// Restarts made since the extension was registered.
    var restarts = 0
    /// Bumped at each failure; a scheduled restart runs only if it still holds the latest token.
    var pendingRestart: UInt64 = 0

    /// Failures inside the breaker's window ending at `now` (0 before the first one).
    func recentFailures(at now: ContinuousClock.Instant) -> Int {
        breaker?.failures(inWindowEndingAt: now) ?? 0
    }
}
