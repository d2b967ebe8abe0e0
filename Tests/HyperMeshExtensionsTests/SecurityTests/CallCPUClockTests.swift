import Testing
@testable import HyperMeshExtensions

/// The call path's CPU figures: short calls at their wall time, long ones from the thread CPU
/// clock, each within the documented error bound.
@Suite struct CallCPUClockTests {
    func burn(milliseconds: UInt64) {
        let until = ThreadCPUClock.nanoseconds() + milliseconds * 1_000_000
        var sink: UInt64 = 0
        while ThreadCPUClock.nanoseconds() < until { sink &+= 1 }
        _ = sink
    }

    @Test func aLongCallIsMeasuredWithTheThreadCPUClock() {
        let start = MonotonicClock.nanoseconds()
        let cpuStart = CallCPUClock.start(now: start)
        burn(milliseconds: 5)
        let end = MonotonicClock.nanoseconds()
        let used = CallCPUClock.used(since: cpuStart, wall: end - start, now: end)
        #expect(used >= 5_000_000 - CallCPUClock.exactness, "\(used)")
        #expect(used <= end - start + CallCPUClock.exactness, "\(used)")
    }

    @Test func aShortCallIsAccountedAtItsWallTime() {
        let start = MonotonicClock.nanoseconds()
        let cpuStart = CallCPUClock.start(now: start)
        #expect(CallCPUClock.used(since: cpuStart, wall: 1_000, now: start + 1_000) == 1_000)
    }

    @Test func backToBackLongCallsStayWithinTheBound() {
        for _ in 0..<3 {
            let start = MonotonicClock.nanoseconds()
            let cpuStart = CallCPUClock.start(now: start)
            burn(milliseconds: 2)
            let end = MonotonicClock.nanoseconds()
            let used = CallCPUClock.used(since: cpuStart, wall: end - start, now: end)
            #expect(used >= 2_000_000 - CallCPUClock.exactness, "\(used)")
        }
    }
}
