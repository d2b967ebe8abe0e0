import Foundation
import GRDB

/// Copies the write-ahead log back into the database file (SQLite's passive checkpoint) on a
/// thread and connection of its own, so that commits never wait for it.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold (1000 pages):
/// that commit copies the pages and syncs both files, and every caller waiting for its batch waits
/// for that too. The log turns it off on its writing connection (``AuditDatabase``) and runs this
/// instead: after a commit, the writer calls ``noteCommit()``; the checkpointer then checkpoints,
/// at most once per ``minimumInterval``. A passive checkpoint never blocks the writer, which keeps
/// appending to the log meanwhile, and never changes what a commit guarantees (committed
/// transactions are in the write-ahead log whether or not they were copied).
///
/// NOT guaranteed: the write-ahead log stays small only while checkpoints keep up; a reader that
/// holds an old snapshot for a long time, or a starved checkpointer, lets it grow (as it would with
/// SQLite's automatic checkpoint). A checkpoint that fails is retried after the next commit.
final class AuditCheckpointer: @unchecked Sendable {
    /// The shortest time between two checkpoints.
    static let minimumInterval: Duration = .milliseconds(50)

    /// `pendingCommit` and `isStopping` are read and written only with `condition` locked.
    private let condition = NSCondition()
    private var pendingCommit = false
    private var isStopping = false
    private let finished = AuditBatchCompletion()
    private let database: DatabaseQueue

    /// Opens its own connection to `file` and starts its thread.
    init(file: URL) throws {
        database = try DatabaseQueue(path: file.path)
        let thread = Thread { [self] in run() }
        thread.name = "HyperMeshAudit checkpointer"
        thread.start()
    }

    /// Called by the writer after each committed batch; does not wait.
    func noteCommit() {
        condition.lock()
        if !pendingCommit {
            pendingCommit = true
            condition.signal()
        }
        condition.unlock()
    }

    /// Stops the thread (after a checkpoint in progress) and closes the connection.
    func stop() {
        condition.lock()
        let wasStopping = isStopping
        isStopping = true
        condition.signal()
        condition.unlock()
        _ = finished.wait()
        if !wasStopping { try? database.close() }
    }

    private func run() {
        while waitForCommit() {
            _ = try? database.writeWithoutTransaction { try $0.checkpoint(.passive) }
            pause(Self.minimumInterval)
        }
        finished.finish(.success([]))
    }

    /// Waits until a commit is noted (then `true`) or the checkpointer stops (`false`).
    private func waitForCommit() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !pendingCommit && !isStopping { condition.wait() }
        pendingCommit = false
        return !isStopping
    }

    /// Waits `duration`, or less when stopping.
    private func pause(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let deadline = Date(timeIntervalSinceNow: TimeInterval(seconds) + TimeInterval(attoseconds) * 1e-18)
        condition.lock()
        defer { condition.unlock() }
        while !isStopping && condition.wait(until: deadline) {}
    }
}
