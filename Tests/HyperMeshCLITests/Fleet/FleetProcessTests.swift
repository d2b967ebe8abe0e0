import Foundation
import HyperMeshAudit
import HyperMeshFleet
import HyperMeshRegistry
import HyperMeshRollout
import HyperMeshSecurity
import HyperMeshTestSupport
import HyperMeshTrust
import Testing
@testable import HyperMeshCLI
#if canImport(Glibc)
import Glibc
#endif

/// Real processes on this machine: one etcd (Debian's etcd-server 3.4), one docker-registry, five
/// (and a sixth) `hypermesh serve` nodes on loopback, and the operator's `hypermesh fleet` commands.
@Suite("A fleet of real nodes: rollouts through etcd, packages from peers", .serialized, .timeLimit(.minutes(10)))
struct FleetProcessTests {
    /// Runs `body` on a fresh fleet and always stops its processes.
    func withFleet(_ body: (FleetHarness) async throws -> Void) async throws {
        let fleet = try await FleetHarness()
        do {
            try await body(fleet)
        } catch {
            await fleet.stop()
            throw error
        }
        await fleet.stop()
    }

    func fleetStatus(_ fleet: FleetHarness) async throws -> [String: Any] {
        let status = await fleet.operatorCLI.run(["fleet", "status", FleetHarness.catalogID, "--json"] + fleet.etcdArguments, hostOptions: false)
        return try #require(try status.out.jsonObject()["rollouts"] as? [[String: Any]]).first ?? [:]
    }

    @Test("A Catalog rollout converges on five nodes; the registry serves each new blob at most twice, the rest comes from peers; a lying peer is refused by digest and avoided; with the registry stopped a new node gets everything from peers")
    func rolloutThroughPeers() async throws {
        try await withFleet { fleet in
            try await fleet.pushCatalog(version: "1.0.0")
            try await fleet.pushCatalog(version: "1.1.0")
            for index in 1...5 { try await fleet.startNode("n\(index)", labels: ["zone": "a"]) }

            let first = await fleet.rollout("1.0.0")
            #expect(first.exitCode == 0, "\(first.err)\n\(first.out)")
            #expect(await fleet.eventually { try (1...5).allSatisfy { try fleet.runningVersion(on: "n\($0)") == "1.0.0" } })
            #expect(try (1...5).allSatisfy { index in try fleet.fleetRecords(on: "n\(index)").contains { $0.details["action"] == "join" } })

            // A peer that flips a byte of every blob it serves, advertised as holding 1.1.0.
            let digest = try await fleet.catalogDigest(version: "1.1.0")
            let liar = try await RegistryFaultProxy(upstream: fleet.registry)
            liar.inject(.flipByte(at: 10), method: "GET", pathContains: "/blobs/", times: 10_000)
            let etcd = try EtcdClient(endpoints: [fleet.etcd.endpoint])
            let keys = FleetKeys()
            _ = try await etcd.put(keys.peer(digest: digest, nodeID: "liar"),
                                   value: FleetJSON.encode(PeerAdvert(nodeID: "liar", endpoint: "http://\(liar.registry)", state: .complete, zone: "a")))

            let manifest = try await fleet.imageManifest(digest: digest)
            let blobs = [manifest.config.digest] + manifest.layers.map(\.digest)
            let before = Dictionary(uniqueKeysWithValues: blobs.map { ($0, fleet.registryBlobGets($0.description)) })
            let second = await fleet.rollout("1.1.0")
            #expect(second.exitCode == 0, "\(second.err)\n\(second.out)")
            #expect(await fleet.eventually { try (1...5).allSatisfy { try fleet.runningVersion(on: "n\($0)") == "1.1.0" } })

            // Each blob of 1.1.0: at most twice from the registry to the nodes. Not counted: what
            // the liar forwarded and corrupted (no node kept it), and the one read of extension.json
            // by `fleet rollout` itself (it checks the id and version before writing the rollout).
            for blob in blobs {
                let total = fleet.registryBlobGets(blob.description) - (before[blob] ?? 0)
                let throughLiar = liar.count("GET", pathContains: "/blobs/\(blob)")
                let byOperator = blob == manifest.config.digest ? 1 : 0
                let served = total - throughLiar - byOperator
                #expect(served <= 2, "the registry served \(blob) \(served) times to the nodes (\(total) GETs, \(throughLiar) through the lying peer, \(byOperator) by the operator)")
            }
            let refusals = try (1...5).flatMap { try fleet.fleetRecords(on: "n\($0)") }.filter { $0.details["peer"] == "liar" && $0.details["outcome"] == "refused" }
            #expect(!refusals.isEmpty, "no node refused the lying peer")
            let fromPeers = try (1...5).flatMap { try fleet.fleetRecords(on: "n\($0)") }
                .filter { $0.details["action"] == "prefetch" && $0.details["version"] == "1.1.0" && ($0.details["source"] ?? "").hasPrefix("peer ") }
            #expect(fromPeers.count >= 3, "fewer than 3 nodes prefetched 1.1.0 from a peer")
            _ = try await etcd.delete(keys.peer(digest: digest, nodeID: "liar"))
            try await etcd.shutdown()
            await liar.stop()

            // The registry goes away; a new node joins and converges from its peers.
            fleet.registry.stop()
            try await fleet.startNode("n6", labels: ["zone": "a"])
            #expect(await fleet.eventually { try fleet.runningVersion(on: "n6") == "1.1.0" })
            let joined = try fleet.fleetRecords(on: "n6").filter { $0.details["action"] == "prefetch" && $0.details["outcome"] == "ok" }
            #expect(joined.contains { ($0.details["source"] ?? "").hasPrefix("peer ") }, "n6 did not prefetch from a peer: \(joined.map(\.message))")
            #expect(try (1...5).allSatisfy { try fleet.runningVersion(on: "n\($0)") == "1.1.0" })
        }
    }

    @Test("A version whose canary fails health on wave one is rolled back everywhere, from the stores; no node past wave one ran it; each step is in the nodes' audit logs")
    func unhealthyCanaryRollsBack() async throws {
        try await withFleet { fleet in
            let id = "org.example.fleetfix"
            try await fleet.pushFixture(id: id, version: "1.0.0", healthStatus: "healthy")
            try await fleet.pushFixture(id: id, version: "1.1.0", healthStatus: "unhealthy")
            for index in 1...5 { try await fleet.startNode("n\(index)", grantFixture: id) }
            let good = await fleet.rollout("1.0.0", extensionID: id)
            #expect(good.exitCode == 0, "\(good.err)\n\(good.out)")
            #expect(await fleet.eventually { try (1...5).allSatisfy { try fleet.runningVersion(on: "n\($0)", extensionID: id) == "1.0.0" } })

            let bad = await fleet.rollout("1.1.0", extensionID: id)
            #expect(bad.exitCode != 0)
            #expect(bad.out.contains("fleet.rolled_back"), "\(bad.out)")
            let status = await fleet.operatorCLI.run(["fleet", "status", id, "--json"] + fleet.etcdArguments, hostOptions: false)
            let rollout = try #require(try status.out.jsonObject()["rollouts"] as? [[String: Any]]).first ?? [:]
            #expect(rollout["state"] as? String == "rolled_back", "\(status.out)")
            let nodes = rollout["nodes"] as? [[String: Any]] ?? []
            #expect(nodes.count == 5)
            // Waves "20%,100%" of five nodes: one canary, then the other four.
            let later = nodes.filter { $0["wave"] as? Int == 2 }.compactMap { $0["id"] as? String }
            #expect(later.count == 4)
            for node in later {
                let records = try fleet.fleetRecords(on: node)
                #expect(!records.contains { $0.details["action"] == "activate" && $0.details["version"] == "1.1.0" },
                        "\(node) (wave 2) tried to activate the bad version")
            }
            #expect(await fleet.eventually { try (1...5).allSatisfy { try fleet.runningVersion(on: "n\($0)", extensionID: id) == "1.0.0" } })
            let canary = try #require(nodes.first { $0["wave"] as? Int == 1 }?["id"] as? String)
            let canaryRecords = try fleet.fleetRecords(on: canary)
            #expect(canaryRecords.contains { $0.details["action"] == "activate" && $0.details["outcome"] == "failed" && $0.details["version"] == "1.1.0" })
            #expect(try (1...5).allSatisfy { index in
                try fleet.fleetRecords(on: "n\(index)").contains { $0.details["action"] == "prefetch" && $0.details["version"] == "1.1.0" }
            }, "every node prefetched (and verified) the new version before any activation")
            #expect(try (1...5).contains { try fleet.fleetRecords(on: "n\($0)").contains { $0.details["phase"] == "rolled back" } })
        }
    }

    @Test("etcd stopped mid-rollout: nodes keep serving and the rollout resumes when it returns; a node killed while the rollout prefetches restarts and completes")
    func etcdOutageAndKilledNode() async throws {
        try await withFleet { fleet in
            try await fleet.pushCatalog(version: "1.0.0")
            try await fleet.pushCatalog(version: "1.1.0", paddingBytes: 8 << 20)
            for index in 1...5 { try await fleet.startNode("n\(index)") }
            let first = await fleet.rollout("1.0.0")
            #expect(first.exitCode == 0, "\(first.err)\n\(first.out)")

            let start = await fleet.operatorCLI.run(["fleet", "rollout", "\(FleetHarness.catalogID)@1.1.0", "--from", "\(fleet.repository):1.1.0",
                                                     "--waves", "20%,100%", "--health-window", "8", "--json"] + fleet.etcdArguments)
            #expect(start.exitCode == 0, "\(start.err)")
            // Killed while the rollout prefetches; restarted on the same state.
            let victim = try #require(fleet.nodes["n3"]?.process)
            victim.signal(SIGKILL)
            _ = await victim.waitForExit(timeout: .seconds(30))
            try await fleet.startNode("n3")

            #expect(await fleet.eventually { (try? await fleetStatus(fleet))?["state"] as? String == "wave" })
            fleet.etcd.stopKeepingData()
            try await Task.sleep(for: .seconds(3))
            for index in 1...5 {
                let version = try fleet.runningVersion(on: "n\(index)")
                #expect(version == "1.0.0" || version == "1.1.0", "n\(index) stopped serving while etcd was away")
            }
            try await fleet.etcd.restart()
            let completed = await fleet.eventually(timeout: .seconds(180)) { (try? await fleetStatus(fleet))?["state"] as? String == "complete" }
            #expect(completed)
            #expect(await fleet.eventually { try (1...5).allSatisfy { try fleet.runningVersion(on: "n\($0)") == "1.1.0" } })
            #expect(try fleet.fleetRecords(on: "n3").contains { $0.details["action"] == "prefetch" && $0.details["version"] == "1.1.0" && $0.details["outcome"] == "ok" })
            #expect(try (1...5).contains { try fleet.fleetRecords(on: "n\($0)").contains { $0.message.hasPrefix("etcd unreachable") } })
            #expect(try (1...5).contains { try fleet.fleetRecords(on: "n\($0)").contains { $0.message.hasPrefix("etcd reachable again") } })
        }
    }
}
