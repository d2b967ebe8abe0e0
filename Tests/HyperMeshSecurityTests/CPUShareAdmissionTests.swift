import HyperMeshSecurity
import Testing

/// The CPU share admission, given recorded calls and a clock: whether a call may start, and how
/// long it must wait otherwise.
@Suite struct CPUShareAdmissionTests {
    static let ms: UInt64 = 1_000_000

    @Test func theBudgetIsThePercentOfTheWindow() {
        #expect(CPUShareAdmission(percent: 25).budgetNanoseconds == 250 * Self.ms)
        #expect(CPUShareAdmission(percent: 25).windowNanoseconds == 1_000 * Self.ms)
        #expect(CPUShareAdmission(percent: 100).budgetNanoseconds == 1_000 * Self.ms)
        #expect(CPUShareAdmission(percent: 0).percent == 1)
        #expect(CPUShareAdmission(percent: 150).percent == 100)
    }

    @Test func aCallUnderTheShareIsAdmittedAtOnce() {
        var admission = CPUShareAdmission(percent: 25)
        #expect(admission.delay(at: 0) == 0)
        admission.record(cpuNanoseconds: 200 * Self.ms, at: 100 * Self.ms)
        #expect(admission.used(at: 500 * Self.ms) == 200 * Self.ms)
        #expect(admission.delay(at: 500 * Self.ms) == 0)
    }

    @Test func aCallOverTheShareWaitsUntilTheOldestUseLeavesTheWindow() {
        var admission = CPUShareAdmission(percent: 25)
        admission.record(cpuNanoseconds: 150 * Self.ms, at: 100 * Self.ms)
        admission.record(cpuNanoseconds: 150 * Self.ms, at: 300 * Self.ms)
        // 300 ms used of 250: the use recorded at 100 ms leaves the window at 1,100 ms.
        #expect(admission.delay(at: 400 * Self.ms) == 700 * Self.ms)
        #expect(admission.delay(at: 1_099 * Self.ms) == 1 * Self.ms)
        #expect(admission.delay(at: 1_100 * Self.ms) == 0)
        #expect(admission.used(at: 1_100 * Self.ms) == 150 * Self.ms)
    }

    @Test func theWaitCoversAsManyOldUsesAsItTakesToGetUnderTheShare() {
        var admission = CPUShareAdmission(percent: 10)
        for at: UInt64 in [100, 200, 300] { admission.record(cpuNanoseconds: 60 * Self.ms, at: at * Self.ms) }
        // 180 ms of 100: two of the three uses must leave; the second leaves at 1,200 ms.
        #expect(admission.delay(at: 350 * Self.ms) == 850 * Self.ms)
    }

    @Test func usesInTheSameSlotAddUpAndLeaveTogether() {
        var admission = CPUShareAdmission(percent: 25)
        admission.record(cpuNanoseconds: 200 * Self.ms, at: 101 * Self.ms)
        admission.record(cpuNanoseconds: 100 * Self.ms, at: 109 * Self.ms)
        #expect(admission.used(at: 200 * Self.ms) == 300 * Self.ms)
        #expect(admission.delay(at: 200 * Self.ms) == 900 * Self.ms)
    }

    @Test func aRingSlotReusedAWindowLaterForgetsItsOldUse() {
        var admission = CPUShareAdmission(percent: 25)
        admission.record(cpuNanoseconds: 300 * Self.ms, at: 0)
        admission.record(cpuNanoseconds: 10 * Self.ms, at: 1_000 * Self.ms)
        #expect(admission.used(at: 1_000 * Self.ms) == 10 * Self.ms)
        #expect(admission.delay(at: 1_000 * Self.ms) == 0)
    }

    @Test func callsInFlightCountAsTheEstimateOfRecentCalls() {
        var admission = CPUShareAdmission(percent: 25)
        admission.record(cpuNanoseconds: 100 * Self.ms, at: 0)
        #expect(admission.estimateNanoseconds == 25 * Self.ms)
        var admitted = 0
        for _ in 0..<20 where admission.tryAdmit(at: 500 * Self.ms) { admitted += 1 }
        // 100 ms used + 25 ms per call in flight stays below 250 ms for six calls.
        #expect(admitted == 6)
        #expect(admission.inFlight == 6)
        #expect(admission.delay(at: 500 * Self.ms) > 0)
        admission.finish(cpuNanoseconds: 0, at: 500 * Self.ms)
        #expect(admission.inFlight == 5)
        let admittedAgain = admission.tryAdmit(at: 500 * Self.ms)
        #expect(admittedAgain)
    }

    @Test func callsInFlightAloneOverTheBudgetMakeANewCallLookAgainAfterOneSlot() {
        var admission = CPUShareAdmission(percent: 10)
        admission.record(cpuNanoseconds: 800 * Self.ms, at: 0)
        admission.record(cpuNanoseconds: 0, at: 2_000 * Self.ms)
        #expect(admission.estimateNanoseconds == 150 * Self.ms)
        let admitted = admission.tryAdmit(at: 2_000 * Self.ms)
        #expect(admitted)
        #expect(admission.delay(at: 2_000 * Self.ms) == admission.slotNanoseconds)
    }

    @Test func aCallLongerThanTheWholeBudgetIsAdmittedOnceItHasLeftTheWindow() {
        var admission = CPUShareAdmission(percent: 10)
        let first = admission.tryAdmit(at: 0)
        #expect(first)
        admission.finish(cpuNanoseconds: 400 * Self.ms, at: 400 * Self.ms)
        #expect(admission.delay(at: 400 * Self.ms) == 1_000 * Self.ms)
        let second = admission.tryAdmit(at: 1_400 * Self.ms)
        #expect(second)
    }

    /// A caller that calls back to back, each call burning `callMilliseconds` of CPU on a CPU of its
    /// own, for five simulated seconds: its CPU over the time stays near the share.
    @Test(arguments: [(25, 10), (25, 40), (10, 5), (50, 20)])
    func aBusyCallerGetsItsShareOverSeconds(percent: Int, callMilliseconds: Int) {
        var admission = CPUShareAdmission(percent: UInt64(percent))
        let call = UInt64(callMilliseconds) * Self.ms
        let end: UInt64 = 5_000 * Self.ms
        var now: UInt64 = 0
        var used: UInt64 = 0
        var steps = 0
        while now < end, steps < 1_000_000 {
            steps += 1
            if admission.tryAdmit(at: now) {
                now += call
                used += call
                admission.finish(cpuNanoseconds: call, at: now)
            } else {
                now += max(1, admission.delay(at: now))
            }
        }
        let share = Double(used) / Double(now)
        // At most one call past the budget in any window, and not much under it.
        let ceiling = (Double(percent) / 100) + Double(call) / 1e9
        #expect(share <= ceiling + 0.005, "share \(share), ceiling \(ceiling)")
        #expect(share >= Double(percent) / 100 * 0.9, "share \(share)")
    }
}
