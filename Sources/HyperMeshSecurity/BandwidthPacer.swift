import Synchronization

/// Paces a byte stream to `bytesPerSecond`: a token bucket (in its GCRA form, one clock) that
/// never refuses bytes but says how long the caller must wait before it moves them. The host's
/// HTTP function asks it before each chunk it sends or receives, and sleeps for the answer, so a
/// transfer of `n` bytes takes about `(n - burst) / bytesPerSecond` seconds.
///
/// Defaults: the burst is an eighth of a second's worth of bytes (at least 1 KiB): a short request
/// is not slowed, a long transfer runs at the rate. Shared by every request of one extension
/// (sent and received bytes together), so parallel requests split the rate between them.
///
/// Not guaranteed: the rate on the wire within a chunk (the kernel's socket buffers send a chunk at
/// link speed; the pacing holds over chunks, which are at most 16 KiB here), nor fairness between
/// parallel requests.
public final class BandwidthPacer: Sendable {
    public let bytesPerSecond: UInt64
    public let burstBytes: UInt64
    /// The theoretical arrival time, in nanoseconds of the caller's monotonic clock; 0: "full".
    private let arrival = Mutex<UInt64>(0)

    public init(bytesPerSecond: UInt64, burstBytes: UInt64? = nil) {
        precondition(bytesPerSecond >= 1, "a pacer needs at least 1 byte per second")
        self.bytesPerSecond = bytesPerSecond
        self.burstBytes = burstBytes ?? max(1024, bytesPerSecond / 8)
    }

    /// Reserves `bytes` at `now` (monotonic nanoseconds) and returns how many nanoseconds the
    /// caller must wait before moving them (0: at once).
    public func reserve(_ bytes: UInt64, now: UInt64) -> UInt64 {
        let cost = Self.nanoseconds(forBytes: bytes, rate: bytesPerSecond)
        let allowance = Self.nanoseconds(forBytes: burstBytes, rate: bytesPerSecond)
        return arrival.withLock { arrival in
            let start = max(arrival, now)
            arrival = start &+ cost
            let earliest = arrival > allowance ? arrival - allowance : 0
            return earliest > now ? earliest - now : 0
        }
    }

    static func nanoseconds(forBytes bytes: UInt64, rate: UInt64) -> UInt64 {
        let (high, low) = bytes.multipliedFullWidth(by: 1_000_000_000)
        guard high < rate else { return .max }
        return rate.dividingFullWidth((high, low)).quotient
    }
}
