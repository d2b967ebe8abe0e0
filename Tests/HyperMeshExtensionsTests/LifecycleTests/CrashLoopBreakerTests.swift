import HyperMeshExtensions
import Testing

@Suite("Crash-loop breaker")
struct CrashLoopBreakerTests {
    /// An arbitrary origin: only differences between instants matter to the breaker.
    let origin = ContinuousClock.now

    func at(_ seconds: Int, plus extra: Duration = .zero) -> ContinuousClock.Instant {
        origin + .seconds(seconds) + extra
    }

    @Test("defaults: five failures within 60 s open the breaker")
    func defaults() {
        var breaker = CrashLoopBreaker()
        #expect(breaker.maxFailures == 5 && breaker.window == .seconds(60))
        let verdicts = (0..<5).map { breaker.recordFailure(at: at($0 * 10)) }
        #expect(verdicts == [
            .restart(after: .seconds(1)), .restart(after: .seconds(2)), .restart(after: .seconds(4)),
            .restart(after: .seconds(8)), .stop,
        ])
        #expect(breaker.isOpen)
    }

    @Test("failures age out of the window as time passes, not only at the next failure")
    func failuresAgeOut() {
        var breaker = CrashLoopBreaker(maxFailures: 5, window: .seconds(10))
        _ = breaker.recordFailure(at: at(0))
        _ = breaker.recordFailure(at: at(5))
        #expect(breaker.failures(inWindowEndingAt: at(6)) == 2)
        #expect(breaker.failures(inWindowEndingAt: at(12)) == 1)
        #expect(breaker.failures(inWindowEndingAt: at(100)) == 0)
    }

    @Test("once open it stays open, even after the window passed")
    func staysOpen() {
        var breaker = CrashLoopBreaker(maxFailures: 2, window: .seconds(10))
        _ = breaker.recordFailure(at: at(0))
        #expect(breaker.recordFailure(at: at(1)) == .stop)
        #expect(breaker.recordFailure(at: at(1000)) == .stop)
        #expect(breaker.isOpen)
    }

    @Test("failures spread wider than the window never open it")
    func slidingWindow() {
        var breaker = CrashLoopBreaker()
        // Every 20 s: at most 4 failures (t-60...t) are ever inside the window.
        let verdicts = (0..<20).map { breaker.recordFailure(at: at($0 * 20)) }
        #expect(!verdicts.contains(.stop))
        #expect(!breaker.isOpen)
        #expect(breaker.recentFailures == [at(320), at(340), at(360), at(380)])
        #expect(verdicts.last == .restart(after: .seconds(8)))
    }

    @Test("the window is inclusive: failures exactly window apart count together")
    func windowBoundary() {
        var inside = CrashLoopBreaker(maxFailures: 3, window: .seconds(60))
        _ = inside.recordFailure(at: at(0))
        _ = inside.recordFailure(at: at(30))
        #expect(inside.recordFailure(at: at(60)) == .stop)

        var outside = CrashLoopBreaker(maxFailures: 3, window: .seconds(60))
        _ = outside.recordFailure(at: at(0))
        _ = outside.recordFailure(at: at(30))
        #expect(outside.recordFailure(at: at(60, plus: .nanoseconds(1))) == .restart(after: .seconds(2)))
    }

    @Test("reset closes the breaker and forgets failures")
    func reset() {
        var breaker = CrashLoopBreaker(maxFailures: 2, window: .seconds(60))
        _ = breaker.recordFailure(at: at(0))
        _ = breaker.recordFailure(at: at(1))
        breaker.reset()
        #expect(!breaker.isOpen && breaker.recentFailures.isEmpty)
        #expect(breaker.recordFailure(at: at(2)) == .restart(after: .seconds(1)))
    }

    @Test("nonsense limits are clamped: at least one failure, no negative window")
    func clamping() {
        var breaker = CrashLoopBreaker(maxFailures: 0, window: .seconds(-5))
        #expect(breaker.maxFailures == 1 && breaker.window == .zero)
        #expect(breaker.recordFailure(at: at(0)) == .stop)
    }

    @Test("the breaker uses its backoff for restart delays")
    func customBackoff() {
        var breaker = CrashLoopBreaker(backoff: RestartBackoff(initial: .milliseconds(100), factor: 3, maximum: .seconds(1)))
        #expect(breaker.recordFailure(at: at(0)) == .restart(after: .milliseconds(100)))
        #expect(breaker.recordFailure(at: at(1)) == .restart(after: .milliseconds(300)))
        #expect(breaker.recordFailure(at: at(2)) == .restart(after: .milliseconds(900)))
        #expect(breaker.recordFailure(at: at(3)) == .restart(after: .seconds(1)))
    }
}
