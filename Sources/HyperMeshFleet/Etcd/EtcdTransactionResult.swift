/// What a transaction did: which branch ran, the store's revision afterwards, and the ranges read
/// by the branch's `.get` / `.getPrefix` operations in their order (other operations add nothing).
public struct EtcdTransactionResult: Sendable, Hashable {
    /// True when every comparison held and the success branch ran.
    public let succeeded: Bool
    /// The store's revision after the transaction (unchanged when the branch wrote nothing).
    public let revision: Int64
    public let ranges: [EtcdRange]

    public init(succeeded: Bool, revision: Int64, ranges: [EtcdRange]) {
        self.succeeded = succeeded
        self.revision = revision
        self.ranges = ranges
    }
}
