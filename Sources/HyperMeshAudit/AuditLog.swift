import Foundation
import GRDB
import Synchronization

/// An append-only, hash-chained audit log in one SQLite file (WAL mode), written with group commit.
///
/// Each record carries the SHA-256 of the previous one (see ``AuditCanonicalEncoding``), so
/// ``verify()`` finds a record that was edited, inserted or deleted after it was written.
///
/// - Writing (group commit): one writer thread of its own commits everything queued while it
///   wrote the previous batch as one transaction, so one commit (and, under
///   ``AuditDurability/powerLoss``, one sync) serves every caller waiting at that moment.
///   ``append(_:)`` returns after the transaction holding its record has committed;
///   ``appendDurably(_:)`` does the same from a task, suspending it instead of blocking its
///   thread; ``enqueue(_:)`` does not wait, and its record is committed with the next batch or at
///   most `flushInterval` (default 50 ms) later. All methods may be called from any thread,
///   concurrently, including from C callbacks. All but ``appendDurably(_:)`` block; do not call
///   them where blocking a thread is not allowed (in a task, an actor). An append may wait up to
///   0.5 ms longer than its commit, while the writer gathers a batch as large as the previous one.
/// - Checkpoints (copying the write-ahead log into the database file) run on a thread and
///   connection of their own (``AuditCheckpointer``), never inside a commit.
/// - Several `AuditLog` instances (or processes) may use one file: the head of the chain is read
///   inside each write transaction, and reads always come from the database, never from a cache.
/// - Durability: see ``AuditDurability`` (default ``AuditDurability/processCrash``).
///
/// NOT guaranteed: the log is tamper-evident, not tamper-proof. Anyone who can write the file can
/// delete it or rebuild the whole chain with valid hashes; keep ``AuditVerification/headHash``
/// somewhere else to detect that. Enqueued records not yet committed are lost if the process
/// dies. Memory is not bounded if callers enqueue faster than the disk commits.
public final class AuditLog: Sendable {
    /// The SQLite file.
    public let file: URL
    public let durability: AuditDurability
    /// The longest an enqueued entry waits before its batch is committed (negative counts as zero).
    public let flushInterval: Duration

    let pool: DatabasePool
    private let queue: AuditWriteQueue
    private let checkpointer: AuditCheckpointer
    private let isClosed = Atomic<Bool>(false)

    /// Opens the log at `file`, creating the folder and the file when needed; continues the chain
    /// of an existing log. Throws `audit.open_failed` when the file cannot be opened as one.
    /// `busyTimeout`: seconds a write waits for another connection's write lock on the file before
    /// it fails (default 10).
    public init(
        file: URL, durability: AuditDurability = .processCrash, flushInterval: Duration = .milliseconds(50),
        busyTimeout: TimeInterval = 10
    ) throws(AuditError) {
        self.file = file
        self.durability = durability
        self.flushInterval = max(flushInterval, .zero)
        let pool = try AuditDatabase.open(file: file, durability: durability, busyTimeout: busyTimeout)
        let checkpointer: AuditCheckpointer
        do {
            checkpointer = try AuditCheckpointer(file: file)
        } catch {
            try? pool.close()
            throw AuditError.openFailed(path: file.path, cause: error)
        }
        let queue = AuditWriteQueue(path: file.path, flushInterval: self.flushInterval)
        self.pool = pool
        self.queue = queue
        self.checkpointer = checkpointer
        let writer = Thread { queue.runWriter(pool: pool, afterCommit: checkpointer.noteCommit) }
        writer.name = "HyperMeshAudit writer"
        writer.start()
    }

    deinit {
        close()
    }

    /// Writes `entry` and returns its record once the transaction holding it has committed.
    /// Throws `audit.write_failed` (the entry was not written, or earlier enqueued entries were
    /// lost and this entry was not written: see the message) or `audit.closed`.
    @discardableResult
    public func append(_ entry: AuditEntry) throws(AuditError) -> AuditRecord {
        try queue.append(entry)
    }

    /// Writes `entry` and returns its record once the transaction holding it has committed, like
    /// ``append(_:)``, but suspends the calling task instead of blocking its thread, so any number
    /// of tasks can wait for one commit without holding a thread of the cooperative pool each.
    /// The writing happens on the log's writer thread. Cancelling the task does not cancel the
    /// append: the entry is committed (or fails) with its batch, and the call returns then.
    /// Throws as ``append(_:)`` does.
    @discardableResult
    public func appendDurably(_ entry: AuditEntry) async throws(AuditError) -> AuditRecord {
        try await queue.appendSuspending(entry)
    }

    /// Queues `entry` without waiting. It is committed with the next batch, or at most
    /// `flushInterval` later. A failure is reported by the next ``flush()`` or ``append(_:)``.
    /// After ``close()`` the entry is dropped silently.
    public func enqueue(_ entry: AuditEntry) {
        queue.enqueue(entry)
    }

    /// Entries waiting for the writer (appended or enqueued, not yet taken into a transaction).
    public var backlog: Int { queue.backlog }

    /// The transactions (batches) this instance has committed since it was opened. Records
    /// written divided by this is the average batch: how many records each commit carried.
    public var committedBatchCount: Int { queue.committedBatchCount }

    /// Returns after everything appended or enqueued before the call is committed. Throws the
    /// failure of enqueued entries not reported yet, or `audit.closed`.
    public func flush() throws(AuditError) {
        try queue.flush()
    }

    /// Commits everything pending, stops the writer and closes the file. Later calls throw
    /// `audit.closed` (``enqueue(_:)`` drops its entry). A failure of the last enqueued entries is
    /// not reported; call ``flush()`` first to see it. Calling it again does nothing.
    public func close() {
        let wasClosed = isClosed.exchange(true, ordering: .acquiringAndReleasing)
        queue.stop()
        checkpointer.stop()
        if !wasClosed {
            try? pool.close()
        }
    }

    /// Runs `body` on a read snapshot, mapping failures to `AuditError`.
    func read<Value>(_ body: (Database) throws -> Value) throws(AuditError) -> Value {
        guard !isClosed.load(ordering: .acquiring) else { throw AuditError.closed(path: file.path) }
        do {
            return try pool.read(body)
        } catch let error as AuditError {
            throw error
        } catch {
            if isClosed.load(ordering: .acquiring) { throw AuditError.closed(path: file.path) }
            throw AuditError.readFailed(path: file.path, cause: error)
        }
    }
}
