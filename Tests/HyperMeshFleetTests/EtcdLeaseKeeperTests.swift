import Foundation
import HyperMeshFleet
import HyperMeshTestSupport
import Synchronization
import Testing

/// The leases a keeper reported, in order, and the key each one was written under.
private final class LeaseLog: Sendable {
    let leases = Mutex<[Int64]>([])
    var all: [Int64] { leases.withLock { $0 } }
    func record(_ lease: Int64) { leases.withLock { $0.append(lease) } }
}

/// True when `/nodes/n1` exists under the keeper's current lease and etcd knows that lease.
private func keyIsUnderLiveLease(_ keeper: EtcdLeaseKeeper, _ client: EtcdClient) async throws -> Bool {
    guard let lease = await keeper.currentLease else { return false }
    guard let key = try await client.get("/nodes/n1"), key.lease == lease else { return false }
    return try await client.timeToLive(lease) != nil
}

@Suite("etcd lease keeper", .timeLimit(.minutes(3)))
struct EtcdLeaseKeeperTests {
    /// A keeper whose `onNewLease` writes `/nodes/n1` under the new lease, running in a task.
    private func startKeeper(_ client: EtcdClient, ttl: Int = 5) -> (EtcdLeaseKeeper, LeaseLog, Task<Void, Never>) {
        let log = LeaseLog()
        let keeper = EtcdLeaseKeeper(client: client, ttlSeconds: ttl) { lease in
            log.record(lease)
            _ = try? await client.put("/nodes/n1", value: Data(text: "up"), lease: lease)
        }
        let task = Task { await keeper.run() }
        return (keeper, log, task)
    }

    @Test("keeps the lease and the node's key alive past the TTL; revoke deletes the key")
    func keepsAlive() async throws {
        try await withEtcd { _, client in
            // A TTL of 6 s (renewed every 2 s) leaves room for a loaded machine; the wait outlasts it.
            let (keeper, log, task) = startKeeper(client, ttl: 6)
            defer { task.cancel() }
            #expect(try await eventually { try await client.get("/nodes/n1") != nil })
            try await Task.sleep(for: .seconds(8))
            // Past the TTL the key is still there under the keeper's live lease. (Which lease is not
            // checked: a machine starved for longer than the TTL makes the keeper grant a new one.)
            #expect(try await eventually { try await keyIsUnderLiveLease(keeper, client) })
            #expect(!log.all.isEmpty)
            try await keeper.revoke()
            #expect(try await client.get("/nodes/n1") == nil)
            #expect(await keeper.currentLease == nil)
            _ = await task.value
        }
    }

    @Test("etcd frozen longer than the TTL: the keeper grants a new lease and calls onNewLease")
    func regrantsAfterExpiry() async throws {
        try await withEtcd(requestTimeout: .seconds(3)) { server, client in
            let (keeper, log, task) = startKeeper(client)
            defer { task.cancel() }
            #expect(try await eventually { try await client.get("/nodes/n1") != nil })
            let first = try #require(await keeper.currentLease)

            server.suspend()
            try await Task.sleep(for: .seconds(12))
            server.resume()

            // etcd may expire the lease (the keeper then grants a new one) or, resumed, take the
            // renewal queued meanwhile before it looks at expiries; either way the key ends up under
            // a live lease the keeper holds, and a lease etcd forgot is never the keeper's.
            #expect(try await eventually(within: .seconds(40)) { try await keyIsUnderLiveLease(keeper, client) })
            if let current = await keeper.currentLease, current != first {
                #expect(try await client.timeToLive(first) == nil)
                #expect(log.all.contains(current))
            }
            try await keeper.revoke()
        }
    }

    @Test("a lease revoked behind the keeper's back is replaced")
    func replacesRevokedLease() async throws {
        try await withEtcd { _, client in
            let (keeper, log, task) = startKeeper(client)
            defer { task.cancel() }
            #expect(await eventually { !log.all.isEmpty })
            let revoked = try #require(log.all.last)
            // (On a starved machine the keeper may have replaced it already: then etcd has forgotten it.)
            try? await client.revokeLease(revoked)
            #expect(await eventually { log.all.last != revoked })
            #expect(try await eventually { try await keyIsUnderLiveLease(keeper, client) })
            #expect(try await client.get("/nodes/n1")?.lease != revoked)
            try await keeper.revoke()
        }
    }

    @Test("etcd stopped and restarted: the keeper keeps the node's key under a live lease")
    func survivesRestart() async throws {
        try await withEtcd(requestTimeout: .seconds(3)) { server, client in
            let (keeper, log, task) = startKeeper(client)
            #expect(try await eventually { try await client.get("/nodes/n1") != nil })

            server.stopKeepingData()
            try await Task.sleep(for: .seconds(7))
            try await server.restart()

            // etcd restores leases at restart and renews them; either the lease survived or the
            // keeper granted a new one and rewrote the key: both leave the key under a live lease.
            var healthy = false
            let deadline = ContinuousClock.now + .seconds(40)
            while !healthy && ContinuousClock.now < deadline {
                healthy = try await keyIsUnderLiveLease(keeper, client)
                if !healthy { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(healthy)
            #expect(!log.all.isEmpty)
            try await keeper.revoke()
            task.cancel()
        }
    }
}
