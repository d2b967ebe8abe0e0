import Foundation

/// Admits at most `limit` calls into an extension at once; further callers wait their turn.
/// A limit of 1 (the default) serializes calls, as `hypermesh_extension.h` promises extensions
/// that do not declare a higher `concurrency`.
///
/// Not guaranteed: fairness (waiters are woken in the order the OS chooses).
final class CallGate: @unchecked Sendable {
    let limit: Int
    private let semaphore: DispatchSemaphore

    init(limit: Int) {
        self.limit = max(1, limit)
        self.semaphore = DispatchSemaphore(value: self.limit)
    }

    func enter() { semaphore.wait() }
    func leave() { semaphore.signal() }
}
