#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU time consumed by the calling thread (`CLOCK_THREAD_CPUTIME_ID`), in nanoseconds. Read
/// before and after every call into an in-process extension: the difference is what the call
/// used on that thread. Not counted: threads the extension starts itself.
///
/// Cost: a system call on Linux (this clock has no vDSO fast path), measured in `BENCHMARKS.md`.
enum ThreadCPUClock {
    @inline(__always)
    static func nanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}
