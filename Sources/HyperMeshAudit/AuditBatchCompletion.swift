import Foundation

/// The outcome of one batch, which the callers whose entries are in it wait for.
///
/// Each batch has its own condition, so finishing a batch wakes only the callers waiting for that
/// batch: threads blocked in ``wait()`` and tasks suspended in ``completed()``. `outcome` and
/// `suspended` are read and written only with `condition` locked.
final class AuditBatchCompletion: @unchecked Sendable {
    typealias Outcome = Result<[AuditRecord], AuditError>

    private let condition = NSCondition()
    private var outcome: Outcome?
    private var suspended: [UnsafeContinuation<Outcome, Never>] = []

    /// Records the outcome, wakes every blocked thread and resumes every suspended task. Called
    /// once, by the writer. With more than one task to resume, the writer hands the resumptions
    /// to one task on the global executor (a few microseconds each, mostly waking pool threads)
    /// and is free at once to take the next batch; no task's own executor is involved, so a
    /// waiter isolated to a busy actor delays no other waiter.
    func finish(_ result: Outcome) {
        condition.lock()
        outcome = result
        let waiting = suspended
        suspended = []
        condition.broadcast()
        condition.unlock()
        if waiting.count == 1 {
            waiting[0].resume(returning: result)
        } else if !waiting.isEmpty {
            Task.detached {
                for continuation in waiting {
                    continuation.resume(returning: result)
                }
            }
        }
    }

    /// Blocks until the batch has committed or failed.
    func wait() -> Outcome {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let outcome { return outcome }
            condition.wait()
        }
    }

    /// Suspends the calling task, without blocking its thread, until the batch has committed or
    /// failed. Cancelling the task does not end the wait: the entry is in the batch either way.
    func completed() async -> Outcome {
        await withUnsafeContinuation { continuation in
            condition.lock()
            if let outcome {
                condition.unlock()
                continuation.resume(returning: outcome)
                return
            }
            suspended.append(continuation)
            condition.unlock()
        }
    }

    /// Blocks until the batch has committed, then returns the record at `position` in it.
    func record(at position: Int) throws(AuditError) -> AuditRecord {
        try wait().get()[position]
    }

    /// Suspends until the batch has committed, then returns the record at `position` in it.
    func committedRecord(at position: Int) async throws(AuditError) -> AuditRecord {
        try await completed().get()[position]
    }
}
