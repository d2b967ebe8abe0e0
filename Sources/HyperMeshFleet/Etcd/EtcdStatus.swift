/// The answer of `/v3/maintenance/status` from the member asked: a cheap health check.
public struct EtcdStatus: Sendable, Hashable {
    /// etcd's version, e.g. "3.4.23".
    public let version: String
    /// The store's revision.
    public let revision: Int64
    /// The member that answered.
    public let memberID: UInt64
    /// The leader the member knows of; 0 when it knows none (no quorum).
    public let leaderID: UInt64
    /// The raft term.
    public let raftTerm: UInt64
    /// The database size in bytes.
    public let databaseSize: Int64

    /// True when the member knows a leader.
    public var hasLeader: Bool { leaderID != 0 }

    public init(version: String, revision: Int64, memberID: UInt64, leaderID: UInt64, raftTerm: UInt64, databaseSize: Int64) {
        self.version = version
        self.revision = revision
        self.memberID = memberID
        self.leaderID = leaderID
        self.raftTerm = raftTerm
        self.databaseSize = databaseSize
    }
}
