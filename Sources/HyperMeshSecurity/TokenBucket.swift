import Synchronization

/// A token bucket of `rate` tokens per second holding at most `burst` tokens, lock-free and cheap
/// enough to sit in front of every call and every host API function.
///
/// It is kept as one atomic word, the "theoretical arrival time" of the generic cell rate
/// algorithm (GCRA), which is a token bucket stated in time: each token costs `1/rate` seconds, and
/// a request is admitted when the bucket's clock is no more than `burst` tokens ahead of now.
/// A full bucket (the starting state) admits `burst` requests at once, then one per `1/rate`.
///
/// The rate and burst can be lowered and restored while the bucket is in use
/// (``setRate(_:burst:)``): that is how the anomaly policy's "throttle" action acts.
///
/// Defaults: none; `rate` and `burst` must be at least 1 (a zero rate is refused at creation).
/// Not guaranteed: fairness between threads (a refused thread is not queued), or precision below
/// one nanosecond per token (rates above 10⁹ per second are clamped to it).
public final class TokenBucket: Sendable {
    /// Nanoseconds one token costs.
    private let interval: Atomic<UInt64>
    /// The most tokens the bucket holds.
    private let capacity: Atomic<UInt64>
    /// The theoretical arrival time, in ``MonotonicTime`` nanoseconds; 0 means "full".
    private let arrival = Atomic<UInt64>(0)

    /// A bucket of `rate` tokens per second and a burst of `burst` (default: one second's worth).
    public init(rate: UInt64, burst: UInt64? = nil) {
        precondition(rate >= 1, "a token bucket needs a rate of at least 1 per second")
        self.capacity = Atomic(max(1, burst ?? rate))
        self.interval = Atomic(Self.interval(forRate: rate))
    }

    /// Tokens per second now.
    public var rate: UInt64 { 1_000_000_000 / interval.load(ordering: .relaxed) }

    /// The most tokens the bucket holds now (the largest burst admitted at once).
    public var burst: UInt64 { capacity.load(ordering: .relaxed) }

    /// Changes the rate (at least 1 per second) and the burst (default: one second's worth).
    public func setRate(_ rate: UInt64, burst: UInt64? = nil) {
        let rate = max(1, rate)
        capacity.store(max(1, burst ?? rate), ordering: .relaxed)
        interval.store(Self.interval(forRate: rate), ordering: .relaxed)
    }

    static func interval(forRate rate: UInt64) -> UInt64 { max(1, 1_000_000_000 / rate) }

    /// Takes one token if there is one, reading the clock.
    @inline(__always)
    public func tryAcquire() -> Bool {
        tryAcquire(now: MonotonicTime.nanoseconds())
    }

    /// Takes one token if there is one at `now` (``MonotonicTime`` nanoseconds). Never blocks.
    @inline(__always)
    public func tryAcquire(now: UInt64) -> Bool {
        let interval = interval.load(ordering: .relaxed)
        let burst = capacity.load(ordering: .relaxed)
        let tolerance = (burst - 1) &* interval
        var current = arrival.load(ordering: .relaxed)
        while true {
            let start = max(current, now)
            if start - now > tolerance { return false }
            let (exchanged, original) = arrival.compareExchange(
                expected: current, desired: start &+ interval, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    /// Tokens available at `now`, rounded down (for inspection; racy by nature).
    public func available(now: UInt64 = MonotonicTime.nanoseconds()) -> UInt64 {
        let interval = interval.load(ordering: .relaxed)
        let burst = capacity.load(ordering: .relaxed)
        let tolerance = (burst - 1) &* interval
        let current = arrival.load(ordering: .relaxed)
        guard current > now else { return burst }
        let ahead = current - now
        return ahead > tolerance + interval ? 0 : (tolerance + interval - ahead) / interval
    }
}
