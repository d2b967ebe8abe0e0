#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `clock_gettime(CLOCK_MONOTONIC)` in nanoseconds: the clock the benchmarks time single calls
/// with when package-benchmark's own per-iteration clock is not what they report.
public enum MonotonicNanoseconds {
    @inline(__always)
    public static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}
