import Foundation

extension EtcdClient {
    /// The key's current value, or nil when it does not exist.
    public func get(_ key: String) async throws(EtcdError) -> EtcdKeyValue? {
        try await range(.single(key)).items.first
    }

    /// Every key starting with `prefix` (all keys for ""), sorted by key, with the store's revision.
    /// Not guaranteed: a bound on the answer's size (above 16 MiB the call fails with
    /// `etcd.protocol_violation`); keep prefixes small.
    public func list(prefix: String) async throws(EtcdError) -> EtcdRange {
        try await range(.prefix(prefix))
    }

    /// Writes `value` at `key`, attached to `lease` when given; returns the revision of the write.
    /// A lease that does not exist (expired or revoked) fails with `etcd.lease_expired`.
    @discardableResult
    public func put(_ key: String, value: Data, lease: Int64? = nil) async throws(EtcdError) -> Int64 {
        let body = EtcdWire.PutRequest(key: Data(key.utf8), value: value, lease: lease.map(EtcdWire.Number.init))
        let answer = try await call("/v3/kv/put", body, as: EtcdWire.HeaderResponse.self)
        return answer.header?.revision?.int64 ?? 0
    }

    /// Deletes `key`; returns how many keys were deleted (0 or 1).
    @discardableResult
    public func delete(_ key: String) async throws(EtcdError) -> Int64 {
        try await deleteRange(.single(key))
    }

    /// Deletes every key starting with `prefix` (every key for ""); returns how many were deleted.
    @discardableResult
    public func delete(prefix: String) async throws(EtcdError) -> Int64 {
        try await deleteRange(.prefix(prefix))
    }

    /// Discards the history before `revision` (reads and watches from older revisions then fail
    /// with `etcd.compacted`). Waits until etcd has applied it (`physical`).
    public func compact(revision: Int64) async throws(EtcdError) {
        let body = EtcdWire.CompactionRequest(revision: EtcdWire.Number(revision), physical: true)
        _ = try await call("/v3/kv/compaction", body, as: EtcdWire.HeaderResponse.self)
    }

    func range(_ range: EtcdKeyRange) async throws(EtcdError) -> EtcdRange {
        let body = EtcdWire.RangeRequest(key: range.key, range_end: range.rangeEnd)
        let answer = try await call("/v3/kv/range", body, as: EtcdWire.RangeResponse.self)
        return EtcdRange(items: (answer.kvs ?? []).map(\.model), revision: answer.header?.revision?.int64 ?? 0)
    }

    func deleteRange(_ range: EtcdKeyRange) async throws(EtcdError) -> Int64 {
        let body = EtcdWire.DeleteRangeRequest(key: range.key, range_end: range.rangeEnd)
        let answer = try await call("/v3/kv/deleterange", body, as: EtcdWire.DeleteRangeResponse.self)
        return answer.deleted?.int64 ?? 0
    }
}
