/// Where a node gets a package from next (see ``PullPlanner``).
public enum PullDecision: Sendable, Hashable {
    /// Fetch from this peer, then verify the digest; a mismatch puts the peer in `avoided`.
    case peer(nodeID: String, endpoint: String)
    /// Claim a registry slot (an etcd transaction creating a key under the node's lease, which
    /// succeeds only while fewer than `registrySlots` keys exist), advertise `pulling`, then fetch
    /// from the registry. When the claim fails, plan again.
    case claimRegistrySlot
    /// Nobody serves it yet and every registry slot is taken: plan again after this many seconds
    /// (or sooner, when an advert appears).
    case waitForPeers(retryAfterSeconds: Double)
    /// Fetch from the registry without a slot: the node has waited `maxPeerWaitSeconds`.
    case registry
}
