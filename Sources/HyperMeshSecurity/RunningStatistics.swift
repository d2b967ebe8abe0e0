/// Mean and standard deviation of a stream of samples, updated one sample at a time in constant
/// memory (Welford's algorithm, numerically stable). A value type: copy it to keep a snapshot.
public struct RunningStatistics: Sendable, Hashable, Codable {
    public private(set) var count: Int = 0
    public private(set) var mean: Double = 0
    private var squaredDistances: Double = 0

    public init() {}

    public mutating func add(_ sample: Double) {
        count += 1
        let delta = sample - mean
        mean += delta / Double(count)
        squaredDistances += delta * (sample - mean)
    }

    /// The sample variance; 0 with fewer than two samples.
    public var variance: Double { count > 1 ? squaredDistances / Double(count - 1) : 0 }

    public var standardDeviation: Double { variance.squareRoot() }

    /// How many standard deviations `sample` lies above the mean (0 when the deviation is 0 and
    /// the sample is not above the mean; infinity when it is 0 and the sample is above).
    public func deviations(of sample: Double) -> Double {
        deviations(of: sample, atLeast: 0)
    }

    /// Like ``deviations(of:)``, measured in units of `max(standardDeviation, minimumDeviation)`.
    public func deviations(of sample: Double, atLeast minimumDeviation: Double) -> Double {
        let distance = sample - mean
        let deviation = Swift.max(standardDeviation, minimumDeviation)
        if deviation > 0 { return distance / deviation }
        return distance > 0 ? .infinity : 0
    }
}
