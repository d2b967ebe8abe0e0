/// The registry's supervision record of one extension: its crash-loop breaker (created at the first
/// worker failure) and how many restarts it made. Whether a restart is pending is the lifecycle's
/// business (``ExtensionLifecycle/scheduledRestart``).
struct WorkerSupervision {
    var breaker: CrashLoopBreaker?
    /// Restarts made since the extension was registered.
    var restarts = 0

    /// Failures inside the breaker's window ending at `now` (0 before the first one).
    func recentFailures(at now: ContinuousClock.Instant) -> Int {
        breaker?.failures(inWindowEndingAt: now) ?? 0
    }
}
