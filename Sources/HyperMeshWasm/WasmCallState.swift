import Foundation

/// What the host functions of one guest share with the call in progress: the output and error
/// message the guest set, the message of the last failed host function, the deadline, and the
/// guest's memory. One per ``WasmGuest``; calls on a guest are never concurrent.
final class WasmCallState {
    var output: [UInt8] = []
    var errorMessage: String?
    var lastHostError: String?
    /// Monotonic nanoseconds after which host functions end the call.
    var deadline: UInt64 = .max
    /// Set while the host runs the guest's allocator from inside a host function.
    var inAllocator = false
    /// The memory of the live instance; cleared when the instance is discarded (it also breaks the
    /// reference cycle store → host function → this state → memory → store).
    var memory: GuestMemory?

    func begin(deadlineNanoseconds: UInt64) {
        output = []
        errorMessage = nil
        lastHostError = nil
        let now = Self.now()
        let (end, overflow) = now.addingReportingOverflow(deadlineNanoseconds)
        deadline = overflow ? .max : end
    }

    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}
