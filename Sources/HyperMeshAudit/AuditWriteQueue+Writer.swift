import Foundation
import GRDB

/// The writer thread's side of the queue.
extension AuditWriteQueue {
    /// Runs until ``stop()``: takes each batch, commits it, calls `afterCommit` and wakes its callers.
    func runWriter(pool: DatabasePool, afterCommit: () -> Void) {
        var writer = AuditBatchWriter(path: path)
        while let (entries, batch) = nextBatch() {
            let result: Result<[AuditRecord], AuditError>
            do {
                result = .success(try writer.write(entries, to: pool))
                afterCommit()
            } catch {
                result = .failure(error)
            }
            finish(batch, entries: entries, result: result)
        }
        writerFinished.finish(.success([]))
    }

    /// Waits until a batch is due and takes it, or returns `nil` once stopping with nothing pending.
    /// A batch is due when an `append` or `flush` waits, when stopping, or when the oldest enqueued
    /// entry has waited `flushInterval`.
    private func nextBatch() -> ([AuditPendingEntry], AuditBatchCompletion)? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if state.pending.isEmpty {
                if state.phase == .stopping {
                    state.phase = .stopped
                    return nil
                }
                condition.wait()
                continue
            }
            if state.isUrgent || state.phase == .stopping { break }
            let due = (state.oldestPendingSince ?? .now) + flushInterval
            let remaining = due - ContinuousClock.now
            if remaining <= .zero { break }
            _ = condition.wait(until: Date(timeIntervalSinceNow: Self.seconds(remaining)))
        }
        gatherAppenders()
        let entries = state.pending
        let batch = state.openBatch
        state.pending = []
        state.pending.reserveCapacity(entries.count)
        state.openBatch = AuditBatchCompletion()
        state.inFlightBatch = batch
        state.isUrgent = false
        state.oldestPendingSince = nil
        state.lastBatchAwaitedCount = state.pendingAwaitedCount
        state.pendingAwaitedCount = 0
        return (entries, batch)
    }

    /// Waits at most ``gatherWindow`` for as many appenders as the previous batch held.
    ///
    /// The callers woken by the previous batch usually append again at once, but they need a CPU
    /// to do it; committing before they have would turn one large batch into many small ones.
    /// Call with `condition` locked.
    private func gatherAppenders() {
        guard state.phase == .running, state.pendingAwaitedCount < state.lastBatchAwaitedCount else { return }
        state.gatherTarget = state.lastBatchAwaitedCount
        defer { state.gatherTarget = 0 }
        let deadline = ContinuousClock.now + Self.gatherWindow
        while state.phase == .running && state.pendingAwaitedCount < state.gatherTarget {
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero { return }
            _ = condition.wait(until: Date(timeIntervalSinceNow: Self.seconds(remaining)))
        }
    }

    private func finish(
        _ batch: AuditBatchCompletion, entries: [AuditPendingEntry], result: Result<[AuditRecord], AuditError>
    ) {
        condition.lock()
        if case .success = result { state.committedBatchCount += 1 }
        if case .failure(let error) = result {
            let lost = entries.count(where: { !$0.isAwaited })
            if lost > 0 {
                state.enqueueFailure = error
                state.lostEnqueuedCount += lost
            }
        }
        state.inFlightBatch = nil
        condition.unlock()
        batch.finish(result)
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) * 1e-18
    }
}
