#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU time consumed by the calling thread (`CLOCK_THREAD_CPUTIME_ID`), in nanoseconds.
///
/// Cost: a system call on Linux (this clock has no vDSO fast path), about 0.85 µs on the benchmark
/// VM (`BENCHMARKS.md`); ``CallCPUClock`` decides when the call path reads it.
enum ThreadCPUClock {
    @inline(__always)
    static func nanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}
