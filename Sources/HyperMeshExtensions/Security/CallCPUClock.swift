#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The CPU time of calls into in-process extensions, from the thread CPU clock, read only when
/// it can matter. On Linux that clock is a system call (about 0.85 µs on the benchmark VM, see
/// `BENCHMARKS.md`), so reading it twice around every call would cost more than the call path
/// itself. Instead:
///
/// - a call whose wall time is under ``exactness`` (50 µs) is accounted at its wall time, an upper
///   bound of its CPU on this thread (the call is synchronous on it);
/// - a longer call is accounted from the thread CPU clock at its end, minus the clock at its start:
///   read at the start unless this thread read it less than ``exactness`` ago, in which case the
///   start is taken as that reading plus the time since (an upper bound of the clock at the start,
///   so the figure never overstates the call's CPU by more than zero, nor understates it by more
///   than ``exactness``).
///
/// So every figure is within 50 µs of the thread CPU time, quotas are in milliseconds, and a hot
/// loop of short calls reads the clock about once per 50 µs instead of twice per call.
/// Not counted: threads the extension starts itself.
enum CallCPUClock {
    /// The error bound of every figure, in nanoseconds.
    static let exactness: UInt64 = 50_000

    /// The thread's CPU clock at a call's start (exact or an upper bound).
    struct Start {
        let cpu: UInt64
    }

    private struct Reading {
        var cpu: UInt64
        var wall: UInt64
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { free($0) }
        return key
    }()

    @inline(__always)
    static func start(now: UInt64) -> Start {
        if let slot = pthread_getspecific(key) {
            let last = slot.load(as: Reading.self)
            if now &- last.wall <= exactness { return Start(cpu: last.cpu &+ (now &- last.wall)) }
        }
        return Start(cpu: read(now: now))
    }

    /// The CPU time of a call that started at `start` and took `wall` nanoseconds, ending `now`.
    @inline(__always)
    static func used(since start: Start, wall: UInt64, now: UInt64) -> UInt64 {
        guard wall >= exactness else { return wall }
        let end = read(now: now)
        return end > start.cpu ? end - start.cpu : 0
    }

    /// Reads the thread CPU clock and remembers the reading for this thread.
    private static func read(now: UInt64) -> UInt64 {
        let cpu = ThreadCPUClock.nanoseconds()
        let slot: UnsafeMutableRawPointer
        if let existing = pthread_getspecific(key) {
            slot = existing
        } else {
            slot = malloc(MemoryLayout<Reading>.size)!
            pthread_setspecific(key, slot)
        }
        slot.storeBytes(of: Reading(cpu: cpu, wall: now), as: Reading.self)
        return cpu
    }
}
