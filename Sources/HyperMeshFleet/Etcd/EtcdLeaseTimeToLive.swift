/// What etcd says about a lease: the seconds left and the TTL it was granted with; nil from
/// ``EtcdClient/timeToLive(_:)`` when the lease does not exist (expired or revoked).
public struct EtcdLeaseTimeToLive: Sendable, Hashable {
    public let id: Int64
    /// Seconds left before the lease expires.
    public let remainingSeconds: Int
    public let grantedSeconds: Int

    public init(id: Int64, remainingSeconds: Int, grantedSeconds: Int) {
        self.id = id
        self.remainingSeconds = remainingSeconds
        self.grantedSeconds = grantedSeconds
    }
}
