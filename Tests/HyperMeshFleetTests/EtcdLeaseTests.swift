import Foundation
import HyperMeshFleet
import HyperMeshTestSupport
import Testing

/// Grants a lease and puts `/nodes/n1` under it. On a machine starved by the whole suite the put
/// can arrive after the lease expired (`etcd.lease_expired`): then it starts again (at most 5 times).
func grantAndPut(_ client: EtcdClient, ttl: Int) async throws -> EtcdLease {
    for _ in 1..<5 {
        let lease = try await client.grantLease(ttlSeconds: ttl)
        let written: Bool
        do {
            _ = try await client.put("/nodes/n1", value: Data(text: "up"), lease: lease.id)
            written = true
        } catch {
            guard error.code == .leaseExpired else { throw error }
            written = false
        }
        if written { return lease }
    }
    let lease = try await client.grantLease(ttlSeconds: ttl)
    _ = try await client.put("/nodes/n1", value: Data(text: "up"), lease: lease.id)
    return lease
}

@Suite("etcd leases", .timeLimit(.minutes(3)))
struct EtcdLeaseTests {
    @Test("a lease that is not kept alive expires and takes its keys along")
    func expiryRemovesKeys() async throws {
        try await withEtcd { _, client in
            // TTLs of several seconds: on a loaded machine a put can take longer than a 2 s lease lives.
            // 30 s: the whole suite can starve this process for several seconds between two calls.
            let lease = try await grantAndPut(client, ttl: 30)
            #expect(lease.id != 0 && lease.ttl >= 30)
            #expect(try await client.get("/nodes/n1")?.lease == lease.id)
            let gone = try await eventually(within: .seconds(75)) { try await client.get("/nodes/n1") == nil }
            #expect(gone)
            #expect(try await client.timeToLive(lease.id) == nil)
            let renewal = await #expect(throws: EtcdError.self) { try await client.keepAlive(lease.id) }
            #expect(renewal?.code == .leaseExpired)
        }
    }

    @Test("keep-alive keeps a lease and its keys past its TTL")
    func keepAliveKeepsKeys() async throws {
        try await withEtcd { _, client in
            let lease = try await grantAndPut(client, ttl: 30)
            let start = ContinuousClock.now
            while ContinuousClock.now - start < .seconds(35) {
                let ttl = try await client.keepAlive(lease.id)
                #expect(ttl == lease.ttl)
                try await Task.sleep(for: .seconds(5))
            }
            #expect(try await client.get("/nodes/n1") != nil)
            _ = try await client.keepAlive(lease.id)
            let left = try #require(try await client.timeToLive(lease.id))
            #expect(left.grantedSeconds == lease.ttl && left.remainingSeconds <= lease.ttl)
        }
    }

    @Test("revoking a lease deletes its keys at once; a second revoke says the lease is gone")
    func revokeDeletesKeys() async throws {
        try await withEtcd { _, client in
            let lease = try await client.grantLease(ttlSeconds: 60)
            try await client.put("/a", value: Data(text: "1"), lease: lease.id)
            try await client.revokeLease(lease.id)
            #expect(try await client.get("/a") == nil)
            let again = await #expect(throws: EtcdError.self) { try await client.revokeLease(lease.id) }
            #expect(again?.code == .leaseExpired)
        }
    }
}
