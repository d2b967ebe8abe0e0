/// A lease etcd granted: keys attached to it are deleted when it expires or is revoked.
public struct EtcdLease: Sendable, Hashable {
    public let id: Int64
    /// The TTL etcd granted in seconds (etcd raises a TTL below its minimum, about 2 s by default).
    public let ttl: Int

    public init(id: Int64, ttl: Int) {
        self.id = id
        self.ttl = ttl
    }
}
