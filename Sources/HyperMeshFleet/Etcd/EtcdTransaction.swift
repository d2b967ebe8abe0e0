/// An atomic "if all `compare` hold then `success` else `failure`" on etcd (one revision for all
/// writes). Not guaranteed: anything about keys not named in `compare` (they may change between
/// your read and the transaction).
public struct EtcdTransaction: Sendable, Hashable {
    public var compare: [EtcdComparison]
    public var success: [EtcdOperation]
    public var failure: [EtcdOperation]

    public init(compare: [EtcdComparison], success: [EtcdOperation], failure: [EtcdOperation] = []) {
        self.compare = compare
        self.success = success
        self.failure = failure
    }
}
