/// Decides where a node fetches a package it needs (by manifest digest): from a peer that has it,
/// from the registry under a fleet-wide limit of concurrent pulls, or later. Pure: the caller
/// passes what it sees in etcd and what it learned itself.
///
/// Rules, in order:
/// 1. Complete advertisers, other than the node itself and not `avoided`, are candidates; those in
///    the node's zone come first when there are any. Candidates not in `busy` (peers that just
///    refused for load) come before busy ones; when every candidate is busy the node waits
///    (``PullDecision/waitForPeers(retryAfterSeconds:)``) — or, past ``maxPeerWaitSeconds``, uses
///    the registry. Among the chosen group the node takes the candidate with the highest
///    rendezvous score `StableHash(myNodeID/digest) ⊕ StableHash(candidate)`: nodes spread evenly
///    over the peers, each node's choice is stable, and it moves only when its peer disappears.
/// 2. Nobody has it: past ``maxPeerWaitSeconds`` → ``PullDecision/registry``; a registry slot
///    free (`registrySlotsTaken < registrySlots`) → ``PullDecision/claimRegistrySlot``; else wait.
///    Full slots with no `pulling` advertiser mean slot holders whose adverts are not visible yet
///    or whose leases are about to expire (slots are keys under leases): the node waits too,
///    bounded by ``maxPeerWaitSeconds``.
///
/// The caller may pass every advert or a sample of them (a node of a large fleet reads a page of
/// adverts from a random key rather than watching all): the rules apply to what it passes.
///
/// Defaults: 2 registry slots, 10 s before the registry regardless, retry after 0.2 s.
/// Not guaranteed: that a peer chosen is reachable or honest (the caller verifies the digest and
/// adds a failing peer to `avoided`), nor that fewer than `registrySlots` nodes pull from the
/// registry when nodes fall back after ``maxPeerWaitSeconds``.
public struct PullPlanner: Sendable, Hashable {
    /// At most this many nodes pull a given digest from the registry at once.
    public var registrySlots: Int
    /// After waiting this long for a peer the node fetches from the registry regardless.
    public var maxPeerWaitSeconds: Double
    /// How long to wait before planning again.
    public var retryAfterSeconds: Double

    public init(registrySlots: Int = 2, maxPeerWaitSeconds: Double = 10, retryAfterSeconds: Double = 0.2) {
        self.registrySlots = registrySlots
        self.maxPeerWaitSeconds = maxPeerWaitSeconds
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// The decision for `myNodeID` needing `digest`.
    /// - Parameters:
    ///   - advertisers: the adverts for `digest` visible in etcd (the node's own is ignored).
    ///   - avoided: peers that served corrupt bytes or failed; never chosen again for this pull.
    ///   - busy: peers that refused for load since the last wait; chosen only when no other is.
    ///   - registrySlotsTaken: the registry slot keys visible for `digest`.
    ///   - waitedSeconds: how long the node has needed the package.
    public func decide(myNodeID: String, myZone: String?, digest: String, advertisers: [PeerAdvert],
                       avoided: Set<String> = [], busy: Set<String> = [], registrySlotsTaken: Int,
                       waitedSeconds: Double) -> PullDecision {
        let waitedTooLong = waitedSeconds >= maxPeerWaitSeconds
        var sameZoneFree: PeerAdvert?, sameZoneFreeScore: UInt64 = 0
        var otherFree: PeerAdvert?, otherFreeScore: UInt64 = 0
        var anyBusy = false
        let base = StableHash.hash(myNodeID + "/" + digest)
        for advert in advertisers where advert.nodeID != myNodeID && !avoided.contains(advert.nodeID) {
            guard advert.state == .complete else { continue }
            if busy.contains(advert.nodeID) {
                anyBusy = true
                continue
            }
            let score = StableHash.mix(base ^ StableHash.fnv1a(advert.nodeID))
            if let myZone, advert.zone == myZone {
                if sameZoneFree == nil || Self.better(score, advert, than: sameZoneFreeScore, sameZoneFree!) {
                    sameZoneFree = advert
                    sameZoneFreeScore = score
                }
            } else if otherFree == nil || Self.better(score, advert, than: otherFreeScore, otherFree!) {
                otherFree = advert
                otherFreeScore = score
            }
        }
        if let chosen = sameZoneFree ?? otherFree {
            return .peer(nodeID: chosen.nodeID, endpoint: chosen.endpoint)
        }
        if anyBusy {
            return waitedTooLong ? .registry : .waitForPeers(retryAfterSeconds: retryAfterSeconds)
        }
        if waitedTooLong { return .registry }
        if registrySlotsTaken < registrySlots { return .claimRegistrySlot }
        return .waitForPeers(retryAfterSeconds: retryAfterSeconds)
    }

    private static func better(_ score: UInt64, _ advert: PeerAdvert, than otherScore: UInt64, _ other: PeerAdvert) -> Bool {
        score != otherScore ? score > otherScore : advert.nodeID < other.nodeID
    }
}
