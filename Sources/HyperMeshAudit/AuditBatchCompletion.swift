import Foundation

/// The outcome of one batch, which the callers whose entries are in it wait for.
///
/// Each batch has its own condition, so finishing a batch wakes only the callers waiting for that
/// batch. `outcome` is read and written only with `condition` locked.
final class AuditBatchCompletion: @unchecked Sendable {
    private let condition = NSCondition()
    private var outcome: Result<[AuditRecord], AuditError>?

    /// Records the outcome and wakes every waiter. Called once, by the writer.
    func finish(_ result: Result<[AuditRecord], AuditError>) {
        condition.lock()
        outcome = result
        condition.broadcast()
        condition.unlock()
    }

    /// Blocks until the batch has committed or failed.
    func wait() -> Result<[AuditRecord], AuditError> {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let outcome { return outcome }
            condition.wait()
        }
    }

    /// Blocks until the batch has committed, then returns the record at `position` in it.
    func record(at position: Int) throws(AuditError) -> AuditRecord {
        try wait().get()[position]
    }
}
