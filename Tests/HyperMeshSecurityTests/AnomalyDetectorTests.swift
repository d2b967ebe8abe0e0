import Testing
import HyperMeshSecurity

@Suite struct AnomalyDetectorTests {
    /// A detector whose CPU baseline is `samples` calls of about 2 ms each.
    func trained(samples: Int = 60, settings: AnomalySettings = AnomalySettings(warmupSamples: 50)) -> AnomalyDetector {
        var detector = AnomalyDetector(settings: settings)
        for index in 0..<samples {
            let found = detector.recordCall(cpuMicroseconds: 2_000 + Double(index % 5) * 50, now: UInt64(index) * 1_000)
            #expect(found.isEmpty)
        }
        return detector
    }

    @Test func aCPUSpikePastTheDeviationsIsFound() throws {
        var detector = trained()
        let found = detector.recordCall(cpuMicroseconds: 80_000, now: 100_000)
        let spike = try #require(found.first)
        #expect(spike.measure == .cpuPerCall)
        #expect(spike.kind == .spike)
        #expect(spike.score > 6)
        #expect(spike.description.contains("cpu_per_call spike"))
    }

    @Test func aSpikeIsNotLearnedAsNormal() {
        var detector = trained()
        let before = detector.cpu
        _ = detector.recordCall(cpuMicroseconds: 80_000, now: 100_000)
        #expect(detector.cpu == before)
        #expect(!detector.recordCall(cpuMicroseconds: 80_000, now: 200_000).isEmpty)
    }

    @Test func nothingIsJudgedDuringWarmUp() {
        var detector = AnomalyDetector(settings: AnomalySettings(warmupSamples: 50))
        for index in 0..<10 {
            _ = detector.recordCall(cpuMicroseconds: 100, now: UInt64(index))
        }
        #expect(detector.recordCall(cpuMicroseconds: 900_000, now: 100).isEmpty)
    }

    @Test func spikesBelowTheCPUFloorAreIgnored() {
        var detector = AnomalyDetector(settings: AnomalySettings(warmupSamples: 5, minimumCPUMicroseconds: 1_000))
        for index in 0..<10 {
            _ = detector.recordCall(cpuMicroseconds: 10, now: UInt64(index))
        }
        #expect(detector.recordCall(cpuMicroseconds: 900, now: 100).isEmpty)
    }

    /// A baseline of near-identical calls has a tiny σ; scheduler jitter of 1 % of the mean must
    /// not be a spike. The deviation is floored at `minimumRelativeDeviation` of the mean.
    @Test func jitterOverANearlyFlatBaselineIsNotASpike() throws {
        var detector = AnomalyDetector(settings: AnomalySettings(deviations: 4, warmupSamples: 8))
        for index in 0..<10 {
            #expect(detector.recordCall(cpuMicroseconds: 2_020 + Double(index % 3) * 5, now: UInt64(index)).isEmpty)
        }
        #expect(detector.recordCall(cpuMicroseconds: 2_046, now: 10).isEmpty)
        #expect(detector.recordCall(cpuMicroseconds: 2_700, now: 11).isEmpty)
        let spike = try #require(detector.recordCall(cpuMicroseconds: 80_000, now: 12).first)
        #expect(abs(spike.standardDeviation - 0.1 * spike.mean) < 1)
    }

    @Test func aZeroRelativeFloorJudgesAgainstTheRawDeviation() {
        var detector = AnomalyDetector(settings: AnomalySettings(deviations: 4, warmupSamples: 8, minimumRelativeDeviation: 0))
        for index in 0..<10 {
            _ = detector.recordCall(cpuMicroseconds: 2_020 + Double(index % 3) * 5, now: UInt64(index))
        }
        #expect(!detector.recordCall(cpuMicroseconds: 2_100, now: 10).isEmpty)
    }

    @Test func aCallRateSpikeIsFoundWhenItsWindowCloses() throws {
        var detector = AnomalyDetector(settings: AnomalySettings(warmupSamples: 5, minimumCPUMicroseconds: .infinity))
        var now: UInt64 = 0
        let second = AnomalyDetector.rateWindow
        // Ten quiet seconds of 10 calls each.
        for _ in 0..<10 {
            for call in 0..<10 { #expect(detector.recordCall(cpuMicroseconds: 1, now: now + UInt64(call) * second / 10).isEmpty) }
            now += second
        }
        // One second of 5,000 calls, then the call that closes the window reports it.
        for call in 0..<5_000 { _ = detector.recordCall(cpuMicroseconds: 1, now: now + UInt64(call) * second / 5_000) }
        now += second
        let found = detector.recordCall(cpuMicroseconds: 1, now: now)
        let spike = try #require(found.first)
        #expect(spike.measure == .callRate)
        #expect(spike.value > 4_000)
    }

    @Test func sustainedMemoryGrowthIsFound() throws {
        var detector = AnomalyDetector(settings: AnomalySettings(growthSamples: 4))
        #expect(detector.recordMemory(bytes: 100) == nil)
        #expect(detector.recordMemory(bytes: 90) == nil)
        var last: Anomaly?
        for bytes in [100.0, 110, 120, 130] { last = detector.recordMemory(bytes: bytes) }
        let growth = try #require(last)
        #expect(growth.kind == .sustainedGrowth)
        #expect(growth.value == 130)
    }

    @Test func runningStatisticsMatchTheTextbook() {
        var statistics = RunningStatistics()
        for sample in [2.0, 4, 4, 4, 5, 5, 7, 9] { statistics.add(sample) }
        #expect(statistics.mean == 5)
        #expect(abs(statistics.variance - 32.0 / 7.0) < 1e-9)
        #expect(statistics.deviations(of: 5) == 0)
        var flat = RunningStatistics()
        flat.add(3)
        flat.add(3)
        #expect(flat.deviations(of: 4) == .infinity)
        #expect(flat.deviations(of: 3) == 0)
    }

    @Test func actionsAreOrderedBySeverity() {
        #expect(AnomalyAction.log < .alert && AnomalyAction.alert < .throttle && AnomalyAction.throttle < .suspend && AnomalyAction.suspend < .terminate)
    }
}
