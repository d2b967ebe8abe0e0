/// How much a committed record survives. Default: ``processCrash``.
///
/// Both modes use SQLite's write-ahead log (WAL). `append` returns only after the transaction
/// holding its record has committed; what "committed" survives depends on this setting.
public enum AuditDurability: String, Sendable, CaseIterable {
    /// `PRAGMA synchronous = NORMAL`. A committed record has been handed to the operating system,
    /// so it survives the process being killed (including SIGKILL or a crash). It is NOT
    /// guaranteed to survive a power loss or an operating-system crash: the last transactions
    /// before one may be lost (the database itself stays consistent). Much faster.
    case processCrash = "process_crash"
    /// `PRAGMA synchronous = FULL`. The write-ahead log is synced to storage (fsync) before each
    /// commit returns, so a committed record also survives a power loss or an operating-system
    /// crash, as far as the storage device honours the sync. Each batch costs one sync.
    case powerLoss = "power_loss"

    /// The value given to `PRAGMA synchronous` on the writing connection.
    var synchronousPragmaValue: String {
        switch self {
        case .processCrash: "NORMAL"
        case .powerLoss: "FULL"
        }
    }
}
