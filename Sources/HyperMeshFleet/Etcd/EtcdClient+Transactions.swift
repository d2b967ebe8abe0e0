import Foundation

extension EtcdClient {
    /// Runs `transaction` atomically: the success branch when every comparison holds, else the
    /// failure branch. At most 128 operations per branch (etcd's default `--max-txn-ops`; more
    /// fails with `etcd.refused`), and a key may be written only once per branch.
    public func transaction(_ transaction: EtcdTransaction) async throws(EtcdError) -> EtcdTransactionResult {
        let body = EtcdWire.TxnRequest(
            compare: transaction.compare.map(Self.wireComparison),
            success: transaction.success.map(Self.wireOperation),
            failure: transaction.failure.map(Self.wireOperation))
        let answer = try await call("/v3/kv/txn", body, as: EtcdWire.TxnResponse.self)
        let succeeded = answer.succeeded ?? false
        let branch = succeeded ? transaction.success : transaction.failure
        let responses = answer.responses ?? []
        var ranges: [EtcdRange] = []
        for (index, operation) in branch.enumerated() {
            switch operation {
            case .get, .getPrefix:
                let range = index < responses.count ? responses[index].response_range : nil
                ranges.append(EtcdRange(
                    items: (range?.kvs ?? []).map(\.model),
                    revision: range?.header?.revision?.int64 ?? answer.header?.revision?.int64 ?? 0))
            case .put, .delete, .deletePrefix:
                continue
            }
        }
        return EtcdTransactionResult(succeeded: succeeded, revision: answer.header?.revision?.int64 ?? 0, ranges: ranges)
    }

    /// Creates `key` with `value` (and `lease`) only when it does not exist; true when it was created.
    /// Of several clients racing for the same key exactly one gets true.
    public func createIfAbsent(_ key: String, value: Data, lease: Int64? = nil) async throws(EtcdError) -> Bool {
        try await transaction(EtcdTransaction(
            compare: [.createRevision(key, equals: 0)],
            success: [.put(key, value, lease: lease)])).succeeded
    }

    /// Replaces the value of `key` only when its mod revision is still `expectedModRevision` (what
    /// a ``get(_:)`` returned); true when replaced. Keeps no lease the key had (the put has none).
    public func compareAndSwap(_ key: String, expectedModRevision: Int64, value: Data) async throws(EtcdError) -> Bool {
        try await transaction(EtcdTransaction(
            compare: [.modRevision(key, equals: expectedModRevision)],
            success: [.put(key, value, lease: nil)])).succeeded
    }

    static func wireComparison(_ comparison: EtcdComparison) -> EtcdWire.Compare {
        switch comparison {
        case .modRevision(let key, let relation, let revision):
            EtcdWire.Compare(result: relation.rawValue, target: "MOD", key: Data(key.utf8), mod_revision: EtcdWire.Number(revision))
        case .createRevision(let key, let relation, let revision):
            EtcdWire.Compare(result: relation.rawValue, target: "CREATE", key: Data(key.utf8), create_revision: EtcdWire.Number(revision))
        case .version(let key, let relation, let version):
            EtcdWire.Compare(result: relation.rawValue, target: "VERSION", key: Data(key.utf8), version: EtcdWire.Number(version))
        case .value(let key, let relation, let value):
            EtcdWire.Compare(result: relation.rawValue, target: "VALUE", key: Data(key.utf8), value: value)
        }
    }

    static func wireOperation(_ operation: EtcdOperation) -> EtcdWire.RequestOp {
        switch operation {
        case .put(let key, let value, let lease):
            return EtcdWire.RequestOp(request_put: EtcdWire.PutRequest(key: Data(key.utf8), value: value, lease: lease.map(EtcdWire.Number.init)))
        case .delete(let key):
            return EtcdWire.RequestOp(request_delete_range: EtcdWire.DeleteRangeRequest(key: Data(key.utf8), range_end: nil))
        case .deletePrefix(let prefix):
            let range = EtcdKeyRange.prefix(prefix)
            return EtcdWire.RequestOp(request_delete_range: EtcdWire.DeleteRangeRequest(key: range.key, range_end: range.rangeEnd))
        case .get(let key):
            return EtcdWire.RequestOp(request_range: EtcdWire.RangeRequest(key: Data(key.utf8), range_end: nil))
        case .getPrefix(let prefix):
            let range = EtcdKeyRange.prefix(prefix)
            return EtcdWire.RequestOp(request_range: EtcdWire.RangeRequest(key: range.key, range_end: range.rangeEnd))
        }
    }
}
