import Testing
import HyperMeshSecurity

@Suite struct ViolationTrackerTests {
    @Test func passingTheThresholdWithinTheWindowSaysSuspend() {
        var tracker = ViolationTracker(settings: ViolationSettings(windowSeconds: 10, threshold: 3))
        #expect(tracker.record(.capabilityDenied, at: 0) == .counted(count: 1, threshold: 3))
        #expect(tracker.record(.capabilityDenied, at: 1) == .counted(count: 2, threshold: 3))
        #expect(tracker.record(.capabilityDenied, at: 2) == .counted(count: 3, threshold: 3))
        #expect(tracker.record(.capabilityDenied, at: 3) == .thresholdPassed(count: 4, threshold: 3))
    }

    @Test func oldViolationsLeaveTheWindow() {
        var tracker = ViolationTracker(settings: ViolationSettings(windowSeconds: 10, threshold: 2))
        _ = tracker.record(.pathEscape, at: 0)
        _ = tracker.record(.pathEscape, at: 1)
        #expect(tracker.record(.pathEscape, at: 12) == .counted(count: 1, threshold: 2))
        #expect(tracker.count(of: .pathEscape, at: 12) == 1)
        #expect(tracker.totals[.pathEscape] == 3)
    }

    @Test func kindsAreCountedApartAndHaveTheirOwnThresholds() {
        var tracker = ViolationTracker(settings: ViolationSettings(windowSeconds: 60, threshold: 1, thresholds: [.rateLimited: 5]))
        for second in 0..<5 { #expect(tracker.record(.rateLimited, at: Double(second)) == .counted(count: second + 1, threshold: 5)) }
        #expect(tracker.record(.storageQuota, at: 5) == .counted(count: 1, threshold: 1))
        #expect(tracker.record(.rateLimited, at: 6) == .thresholdPassed(count: 6, threshold: 5))
    }

    @Test func resetForgetsTheWindowButKeepsTotals() {
        var tracker = ViolationTracker(settings: ViolationSettings(windowSeconds: 60, threshold: 1))
        _ = tracker.record(.cpuPerCall, at: 0)
        _ = tracker.record(.cpuPerCall, at: 1)
        tracker.reset()
        #expect(tracker.record(.cpuPerCall, at: 2) == .counted(count: 1, threshold: 1))
        #expect(tracker.totals[.cpuPerCall] == 3)
    }

    @Test func memoryStaysBoundedUnderAFlood() {
        var tracker = ViolationTracker(settings: ViolationSettings(windowSeconds: 1_000, threshold: 10))
        for index in 0..<100_000 { _ = tracker.record(.rateLimited, at: Double(index) / 1_000) }
        #expect(tracker.count(of: .rateLimited, at: 100) == 11)
    }

    @Test("Anomalies never pass a threshold unless the policy sets one for them: the anomaly action is the response the operator chose")
    func anomaliesCountTowardSuspensionOnlyWithAThresholdOfTheirOwn() {
        var tracker = ViolationTracker(settings: ViolationSettings(windowSeconds: 60, threshold: 1))
        for second in 0..<50 { #expect(tracker.record(.anomaly, at: Double(second) / 10) == .tallied) }
        #expect(tracker.totals[.anomaly] == 50)
        #expect(tracker.count(of: .anomaly, at: 5) == 0)

        var strict = ViolationTracker(settings: ViolationSettings(windowSeconds: 60, threshold: 1, thresholds: [.anomaly: 2]))
        #expect(strict.record(.anomaly, at: 0) == .counted(count: 1, threshold: 2))
        #expect(strict.record(.anomaly, at: 1) == .counted(count: 2, threshold: 2))
        #expect(strict.record(.anomaly, at: 2) == .thresholdPassed(count: 3, threshold: 2))
        #expect(ViolationSettings.standard.threshold(for: .anomaly) == nil)
        #expect(ViolationSettings.standard.threshold(for: .wasmTrap) == 20)
    }
}
