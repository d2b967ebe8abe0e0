extension EtcdClient {
    /// The status of the first endpoint that answers (`/v3/maintenance/status`): etcd's version,
    /// the store's revision and the leader it knows. A health check: a member that answers but has
    /// no leader (`hasLeader` false) cannot serve writes.
    public func status() async throws(EtcdError) -> EtcdStatus {
        let answer = try await call("/v3/maintenance/status", EtcdWire.Empty(), as: EtcdWire.StatusResponse.self)
        guard let version = answer.version else {
            throw EtcdError(.protocolViolation, subject: endpoints.joined(separator: ", "), "a status answer without version")
        }
        return EtcdStatus(
            version: version, revision: answer.header?.revision?.int64 ?? 0,
            memberID: answer.header?.member_id?.uint64 ?? 0, leaderID: answer.leader?.uint64 ?? 0,
            raftTerm: answer.raftTerm?.uint64 ?? answer.header?.raft_term?.uint64 ?? 0,
            databaseSize: answer.dbSize?.int64 ?? 0)
    }
}
