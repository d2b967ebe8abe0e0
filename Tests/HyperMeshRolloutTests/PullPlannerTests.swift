import Testing
@testable import HyperMeshRollout

@Suite("Pull planner")
struct PullPlannerTests {
    let planner = PullPlanner()
    let digest = RolloutFixtures.digest

    func advert(_ id: String, _ state: PeerAdvert.State = .complete, zone: String? = nil) -> PeerAdvert {
        PeerAdvert(nodeID: id, endpoint: "http://\(id):7070", state: state, zone: zone)
    }

    func decide(_ adverts: [PeerAdvert], me: String = "me", zone: String? = "a", avoided: Set<String> = [],
                busy: Set<String> = [], slots: Int = 0, waited: Double = 0) -> PullDecision {
        planner.decide(myNodeID: me, myZone: zone, digest: digest, advertisers: adverts, avoided: avoided, busy: busy,
                       registrySlotsTaken: slots, waitedSeconds: waited)
    }

    @Test("the defaults are 2 registry slots and 10 s before the registry regardless")
    func defaults() {
        #expect(planner.registrySlots == 2 && planner.maxPeerWaitSeconds == 10)
    }

    @Test("a complete peer is chosen, same zone first, never an avoided one nor the node itself")
    func peer() {
        let adverts = [advert("p1", zone: "b"), advert("p2", zone: "a"), advert("me", zone: "a"), advert("p3", .pulling, zone: "a")]
        #expect(decide(adverts) == .peer(nodeID: "p2", endpoint: "http://p2:7070"))
        #expect(decide(adverts, avoided: ["p2"]) == .peer(nodeID: "p1", endpoint: "http://p1:7070"))
        #expect(decide([advert("p1", zone: "b")], zone: nil) == .peer(nodeID: "p1", endpoint: "http://p1:7070"))
    }

    @Test("1,000 nodes spread over 10 complete peers instead of all picking one")
    func spread() {
        let peers = (0..<10).map { advert("peer-\($0)", zone: "a") }
        var counts: [String: Int] = [:]
        for i in 0..<1_000 {
            guard case .peer(let id, _) = decide(peers, me: "node-\(i)") else { Issue.record("not a peer"); return }
            counts[id, default: 0] += 1
        }
        #expect(counts.count == 10)
        #expect(counts.values.allSatisfy { (50...150).contains($0) })
        // Stable: the same node asks again and gets the same peer.
        #expect(decide(peers, me: "node-7") == decide(peers.reversed(), me: "node-7"))
    }

    @Test("busy peers are tried last; when all complete peers are busy the node waits, then uses the registry")
    func busy() {
        let adverts = [advert("p1", zone: "a"), advert("p2", zone: "a")]
        guard case .peer(let first, _) = decide(adverts) else { Issue.record("not a peer"); return }
        let other = first == "p1" ? "p2" : "p1"
        #expect(decide(adverts, busy: [first]) == .peer(nodeID: other, endpoint: "http://\(other):7070"))
        #expect(decide(adverts, busy: ["p1", "p2"]) == .waitForPeers(retryAfterSeconds: 0.2))
        #expect(decide(adverts, busy: ["p1", "p2"], waited: 10) == .registry)
    }

    @Test("nobody has it: a free registry slot is claimed; full slots mean waiting; past the wait limit, the registry")
    func registry() {
        #expect(decide([]) == .claimRegistrySlot)
        #expect(decide([advert("p1", .pulling)], slots: 1) == .claimRegistrySlot)
        #expect(decide([advert("p1", .pulling), advert("p2", .pulling)], slots: 2) == .waitForPeers(retryAfterSeconds: 0.2))
        #expect(decide([], slots: 2) == .waitForPeers(retryAfterSeconds: 0.2))
        #expect(decide([advert("p1", .pulling)], slots: 2, waited: 10) == .registry)
        #expect(decide([advert("liar")], avoided: ["liar"], slots: 0) == .claimRegistrySlot)
    }
}
