/// Per-extension anomaly detection: running mean and deviation of CPU per call, of the call rate
/// (calls per one-second window) and, where the mode can measure it, of memory; a sample past
/// ``AnomalySettings/deviations`` standard deviations (after ``AnomalySettings/warmupSamples``; the
/// deviation is at least ``AnomalySettings/minimumRelativeDeviation`` of the mean), or memory that grew at each of the last ``AnomalySettings/growthSamples`` samples, is an anomaly.
///
/// A pure value: it sees only the samples it is given, owns no clock and no lock (the caller
/// serializes it and passes the time). A sample that is an anomaly is not added to the baseline,
/// so a burst cannot teach the detector that bursts are normal.
///
/// Not guaranteed: detection of slow drifts (the baseline follows them), or of anything the
/// samples do not show (an extension that misbehaves without using CPU or calls).
public struct AnomalyDetector: Sendable {
    public let settings: AnomalySettings
    public private(set) var cpu = RunningStatistics()
    public private(set) var rate = RunningStatistics()
    public private(set) var memory = RunningStatistics()
    private var windowStart: UInt64?
    private var callsInWindow = 0
    private var lastMemory: Double?
    private var growingSamples = 0

    /// The length of one call-rate sample, in nanoseconds.
    public static let rateWindow: UInt64 = 1_000_000_000

    public init(settings: AnomalySettings = .standard) {
        self.settings = settings
    }

    /// Records one call that used `cpuMicroseconds` of CPU, ending at `now` (monotonic ns).
    /// Returns the anomalies it shows: a CPU spike, and a rate spike when it closes a window.
    public mutating func recordCall(cpuMicroseconds: Double, now: UInt64) -> [Anomaly] {
        var found: [Anomaly] = []
        if let spike = Self.judge(cpuMicroseconds, settings: settings, against: &cpu, measure: .cpuPerCall, floor: settings.minimumCPUMicroseconds) {
            found.append(spike)
        }
        if let rateSpike = countCall(now: now) { found.append(rateSpike) }
        return found
    }

    /// Records a memory reading (bytes). Returns a spike or sustained growth, if any.
    public mutating func recordMemory(bytes: Double) -> Anomaly? {
        defer { lastMemory = bytes }
        if let last = lastMemory, bytes > last {
            growingSamples += 1
        } else {
            growingSamples = 0
        }
        if growingSamples >= settings.growthSamples {
            growingSamples = 0
            return Anomaly(measure: .memory, kind: .sustainedGrowth, value: bytes, mean: memory.mean,
                           standardDeviation: memory.standardDeviation, score: Double(settings.growthSamples))
        }
        return Self.judge(bytes, settings: settings, against: &memory, measure: .memory, floor: 0)
    }

    private mutating func countCall(now: UInt64) -> Anomaly? {
        guard let start = windowStart else {
            windowStart = now
            callsInWindow = 1
            return nil
        }
        guard now &- start >= Self.rateWindow else {
            callsInWindow += 1
            return nil
        }
        let perSecond = Double(callsInWindow) * 1e9 / Double(now &- start)
        windowStart = now
        callsInWindow = 1
        return Self.judge(perSecond, settings: settings, against: &rate, measure: .callRate, floor: 0)
    }

    /// Judges one sample against its baseline; adds it to the baseline unless it is a spike.
    private static func judge(_ value: Double, settings: AnomalySettings, against statistics: inout RunningStatistics, measure: Anomaly.Measure, floor: Double) -> Anomaly? {
        if statistics.count >= settings.warmupSamples, value >= floor {
            let deviation = max(statistics.standardDeviation, settings.minimumRelativeDeviation * abs(statistics.mean))
            let score = statistics.deviations(of: value, atLeast: deviation)
            if score > settings.deviations {
                return Anomaly(measure: measure, kind: .spike, value: value, mean: statistics.mean,
                               standardDeviation: deviation, score: score)
            }
        }
        statistics.add(value)
        return nil
    }
}
