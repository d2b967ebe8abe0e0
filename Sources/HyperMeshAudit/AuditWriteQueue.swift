import Foundation

/// The group-commit queue between callers and the single writer thread.
///
/// Callers add entries to `pending`. The writer takes everything pending at once and commits it as
/// one batch (one transaction), while new entries collect for the next batch. `append` waits for
/// the batch holding its entry; `enqueue` does not, and its entry is written with the next batch
/// or at most `flushInterval` after it was queued. When the previous batch held more appenders
/// than are waiting now, the writer first waits up to ``gatherWindow`` for them, so that a steady
/// crowd of appenders keeps sharing commits. Entries get their time when queued, in queue order.
/// There is no bound on `pending`: if callers enqueue faster than the disk commits, memory grows.
///
/// Lock discipline: `state` is read and written only with `condition` locked. Only the writer
/// thread waits on `condition`; callers wait on a batch's own ``AuditBatchCompletion``, blocking
/// their thread (`append`) or suspending their task (`appendSuspending`). A caller holds the lock
/// only to add its entry: its record's content is encoded before, by the caller's thread.
final class AuditWriteQueue: @unchecked Sendable {
    enum Phase { case running, stopping, stopped }

    struct State {
        var phase = Phase.running
        var pending: [AuditPendingEntry] = []
        var openBatch = AuditBatchCompletion()
        var inFlightBatch: AuditBatchCompletion?
        /// An `append` or `flush` is waiting, so the writer must not wait for `flushInterval`.
        var isUrgent = false
        var oldestPendingSince: ContinuousClock.Instant?
        /// The last failure of a batch that held enqueued entries, not yet reported.
        var enqueueFailure: AuditError?
        var lostEnqueuedCount = 0
        /// `append` entries in `pending`, and in the batch taken last.
        var pendingAwaitedCount = 0
        var lastBatchAwaitedCount = 0
        /// While the writer gathers appenders: the `pendingAwaitedCount` it waits for, else 0.
        var gatherTarget = 0
        var committedBatchCount = 0
    }

    /// The longest the writer waits for the callers of the previous batch to append again
    /// before committing a smaller batch. An `append` can take this much longer than its commit.
    static let gatherWindow: Duration = .microseconds(500)

    let condition = NSCondition()

    /// Entries not yet taken by the writer.
    var backlog: Int {
        condition.lock()
        defer { condition.unlock() }
        return state.pending.count
    }
    var committedBatchCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return state.committedBatchCount
    }
    var state = State()
    let path: String
    let flushInterval: Duration
    /// Finished (with no records) when the writer thread returns.
    let writerFinished = AuditBatchCompletion()

    init(path: String, flushInterval: Duration) {
        self.path = path
        self.flushInterval = flushInterval
    }

    func append(_ entry: AuditEntry) throws(AuditError) -> AuditRecord {
        let (batch, position) = try submit(entry, isAwaited: true)
        return try batch.record(at: position)
    }

    /// ``append(_:)`` that suspends the calling task instead of blocking its thread.
    func appendSuspending(_ entry: AuditEntry) async throws(AuditError) -> AuditRecord {
        let (batch, position) = try submit(entry, isAwaited: true)
        return try await batch.committedRecord(at: position)
    }

    /// Queues the entry without waiting. Dropped when the queue has stopped.
    func enqueue(_ entry: AuditEntry) {
        _ = try? submit(entry, isAwaited: false)
    }

    /// Returns once everything submitted before the call has been committed or has failed.
    func flush() throws(AuditError) {
        condition.lock()
        guard state.phase == .running else {
            condition.unlock()
            throw AuditError.closed(path: path)
        }
        let batch = state.pending.isEmpty ? state.inFlightBatch : state.openBatch
        if !state.pending.isEmpty { markUrgent() }
        condition.unlock()
        _ = batch?.wait()
        condition.lock()
        let failure = takeEnqueueFailure()
        condition.unlock()
        if let failure { throw failure }
    }

    /// Writes everything pending, then stops the writer; waits until it has stopped.
    func stop() {
        condition.lock()
        if state.phase == .running {
            state.phase = .stopping
            condition.signal()
        }
        condition.unlock()
        _ = writerFinished.wait()
    }

    private func submit(_ entry: AuditEntry, isAwaited: Bool) throws(AuditError) -> (AuditBatchCompletion, Int) {
        var pending = AuditPendingEntry(entry: entry, isAwaited: isAwaited)
        condition.lock()
        defer { condition.unlock() }
        guard state.phase == .running else { throw AuditError.closed(path: path) }
        if isAwaited, let failure = takeEnqueueFailure() { throw failure }
        let position = state.pending.count
        pending.timeMilliseconds = AuditTime.nowMilliseconds()
        state.pending.append(pending)
        if position == 0 {
            state.oldestPendingSince = .now
            if !isAwaited { condition.signal() }
        }
        if isAwaited {
            state.pendingAwaitedCount += 1
            markUrgent()
            if state.gatherTarget > 0 && state.pendingAwaitedCount >= state.gatherTarget { condition.signal() }
        }
        return (state.openBatch, position)
    }

    /// Call with `condition` locked.
    private func markUrgent() {
        guard !state.isUrgent else { return }
        state.isUrgent = true
        condition.signal()
    }

    /// Call with `condition` locked.
    private func takeEnqueueFailure() -> AuditError? {
        guard let failure = state.enqueueFailure else { return nil }
        let lost = state.lostEnqueuedCount
        state.enqueueFailure = nil
        state.lostEnqueuedCount = 0
        return AuditError.enqueuedRecordsLost(path: path, lostCount: lost, cause: failure)
    }
}
