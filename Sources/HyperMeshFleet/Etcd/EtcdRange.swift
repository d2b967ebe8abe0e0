/// The answer to a read: the keys found, sorted by key (etcd's order), and the store's revision at
/// the time of the read (watch from `revision + 1` to see every later change).
public struct EtcdRange: Sendable, Hashable {
    public let items: [EtcdKeyValue]
    /// The store's revision when the read was served (not the revision of any one key).
    public let revision: Int64

    public init(items: [EtcdKeyValue], revision: Int64) {
        self.items = items
        self.revision = revision
    }
}
