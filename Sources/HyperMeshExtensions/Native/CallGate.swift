import Foundation
import Synchronization

/// Admits at most `limit` calls into an extension at once; further callers wait their turn, in
/// FIFO order. A limit of 1 (the default) serializes calls, as `hypermesh_extension.h` promises
/// extensions that do not declare a higher `concurrency`.
///
/// A counting "benaphore": one atomic add to enter and one to leave while the gate is not full.
/// Only callers that must wait, and those that wake them, touch the queue of waiters. A caller
/// waits in one of two ways:
/// - ``enterSuspending()`` (the path of every call the registry routes) suspends the task and
///   holds no thread. Ten callers of a slow extension therefore do not take ten of the host's
///   call threads.
/// - ``enter()`` blocks its thread. It is for synchronous callers: `ExtensionHandle.call`, and
///   the health, state and lifecycle entries.
///
/// Not guaranteed: a caller that never leaves keeps the gate closed for everyone behind it.
final class CallGate: Sendable {
    let limit: Int
    /// Callers inside plus callers waiting.
    private let occupancy = Atomic<Int>(0)
    private let waiters = Mutex(Waiters())

    private enum Waiter {
        case thread(DispatchSemaphore)
        case task(CheckedContinuation<Void, Never>)
    }

    private struct Waiters {
        var queue: [Waiter] = []
        var head = 0
        /// Wake-ups given by a leaving caller before its waiter queued itself.
        var early = 0

        /// Takes an early wake-up if there is one; else queues `waiter`. True: proceed now.
        mutating func proceedOrQueue(_ waiter: Waiter) -> Bool {
            if early > 0 {
                early -= 1
                return true
            }
            queue.append(waiter)
            return false
        }

        /// The next waiter to wake, or nil (and an early wake-up kept for it).
        mutating func next() -> Waiter? {
            guard head < queue.count else {
                early += 1
                return nil
            }
            let waiter = queue[head]
            head += 1
            if head == queue.count {
                queue.removeAll(keepingCapacity: true)
                head = 0
            }
            return waiter
        }
    }

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Enters if the gate has room now; never waits.
    func tryEnter() -> Bool {
        var current = occupancy.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = occupancy.compareExchange(expected: current, desired: current + 1, ordering: .acquiring)
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// Enters, blocking the calling thread while the gate is full.
    func enter() {
        guard occupancy.wrappingAdd(1, ordering: .acquiring).newValue > limit else { return }
        let semaphore = DispatchSemaphore(value: 0)
        if !waiters.withLock({ $0.proceedOrQueue(.thread(semaphore)) }) {
            semaphore.wait()
        }
    }

    /// Enters, suspending the task (no thread is held) while the gate is full.
    func enterSuspending() async {
        guard occupancy.wrappingAdd(1, ordering: .acquiring).newValue > limit else { return }
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            if waiters.withLock({ $0.proceedOrQueue(.task(waiter)) }) {
                waiter.resume()
            }
        }
    }

    /// Leaves; wakes the longest waiting caller, if any.
    func leave() {
        guard occupancy.wrappingSubtract(1, ordering: .releasing).oldValue > limit else { return }
        switch waiters.withLock({ $0.next() }) {
        case .thread(let semaphore)?: semaphore.signal()
        case .task(let continuation)?: continuation.resume()
        case nil: break
        }
    }
}
