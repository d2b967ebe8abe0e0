import Foundation
import Synchronization

/// Admits at most `limit` calls into an extension at once; further callers wait their turn.
/// A limit of 1 (the default) serializes calls, as `hypermesh_extension.h` promises extensions
/// that do not declare a higher `concurrency`.
///
/// A counting "benaphore": one atomic add to enter and one to leave while the gate is not full;
/// the semaphore is touched only by callers that must wait and by those that wake them.
///
/// Not guaranteed: fairness (waiters are woken in the order the OS chooses).
final class CallGate: Sendable {
    let limit: Int
    /// Callers inside plus callers waiting.
    private let occupancy = Atomic<Int>(0)
    private let waiting: DispatchSemaphore

    init(limit: Int) {
        self.limit = max(1, limit)
        self.waiting = DispatchSemaphore(value: 0)
    }

    func enter() {
        if occupancy.wrappingAdd(1, ordering: .acquiring).newValue > limit {
            waiting.wait()
        }
    }

    func leave() {
        if occupancy.wrappingSubtract(1, ordering: .releasing).oldValue > limit {
            waiting.signal()
        }
    }
}
