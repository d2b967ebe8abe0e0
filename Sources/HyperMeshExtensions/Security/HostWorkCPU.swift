#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU time the host spent on the calling thread doing its own work inside a host function (the
/// node proving a consensus operation), kept per thread so that the call path can leave it out of
/// the extension's CPU accounting. Other host functions (storage, files, HTTP) are work done for the
/// extension and stay counted as its CPU.
enum HostWorkCPU {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { free($0) }
        return key
    }()

    /// Nanoseconds of host work recorded on this thread so far.
    static func total() -> UInt64 {
        pthread_getspecific(key)?.load(as: UInt64.self) ?? 0
    }

    /// Runs `body`, adding the thread CPU time it takes to this thread's host-work total.
    static func measure<Result>(_ body: () throws -> Result) rethrows -> Result {
        let start = ThreadCPUClock.nanoseconds()
        defer { add(ThreadCPUClock.nanoseconds() &- start) }
        return try body()
    }

    private static func add(_ nanoseconds: UInt64) {
        let slot: UnsafeMutableRawPointer
        if let existing = pthread_getspecific(key) {
            slot = existing
        } else {
            slot = malloc(MemoryLayout<UInt64>.size)!
            slot.storeBytes(of: 0, as: UInt64.self)
            pthread_setspecific(key, slot)
        }
        slot.storeBytes(of: slot.load(as: UInt64.self) &+ nanoseconds, as: UInt64.self)
    }
}
