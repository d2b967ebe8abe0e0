import Foundation
import HyperMeshErrors
import HyperMeshFleet
import HyperMeshTestSupport
import Testing

@Suite("etcd keys and transactions", .timeLimit(.minutes(2)))
struct EtcdKeyValueTests {
    @Test("put, get, list and delete round-trip keys and revisions")
    func putGetListDelete() async throws {
        try await withEtcd { _, client in
            #expect(try await client.get("/nodes/a") == nil)
            let first = try await client.put("/nodes/a", value: Data(text: "alpha"))
            let second = try await client.put("/nodes/b", value: Data([0, 0xff, 10]))
            try await client.put("/nodesX", value: Data(text: "outside"))
            #expect(second > first)

            let a = try #require(try await client.get("/nodes/a"))
            #expect(a.key == "/nodes/a" && a.value == Data(text: "alpha"))
            #expect(a.createRevision == first && a.modRevision == first && a.version == 1 && a.lease == 0)

            let rewritten = try await client.put("/nodes/a", value: Data(text: "alpha2"))
            let a2 = try #require(try await client.get("/nodes/a"))
            #expect(a2.createRevision == first && a2.modRevision == rewritten && a2.version == 2)

            let listed = try await client.list(prefix: "/nodes/")
            #expect(listed.items.map(\.key) == ["/nodes/a", "/nodes/b"])
            #expect(listed.items[1].value == Data([0, 0xff, 10]))
            #expect(listed.revision == rewritten)
            #expect(try await client.list(prefix: "").items.count == 3)

            #expect(try await client.delete("/nodes/a") == 1)
            #expect(try await client.delete("/nodes/a") == 0)
            #expect(try await client.get("/nodes/a") == nil)
            #expect(try await client.delete(prefix: "/nodes") == 2)
            #expect(try await client.list(prefix: "").items.isEmpty)
        }
    }

    @Test("a transaction runs the success branch when its comparisons hold and the failure branch otherwise")
    func transactionBranches() async throws {
        try await withEtcd { _, client in
            let created = try await client.transaction(EtcdTransaction(
                compare: [.createRevision("/cfg", equals: 0)],
                success: [.put("/cfg", Data(text: "v1")), .get("/cfg")],
                failure: [.get("/cfg")]))
            #expect(created.succeeded)
            #expect(created.ranges.count == 1 && created.ranges[0].items.first?.value == Data(text: "v1"))

            let again = try await client.transaction(EtcdTransaction(
                compare: [.createRevision("/cfg", equals: 0)],
                success: [.put("/cfg", Data(text: "v2"))],
                failure: [.get("/cfg"), .getPrefix("/c"), .delete("/other")]))
            #expect(!again.succeeded)
            #expect(again.ranges.map { $0.items.map(\.key) } == [["/cfg"], ["/cfg"]])
            #expect(try await client.get("/cfg")?.value == Data(text: "v1"))

            let byValue = try await client.transaction(EtcdTransaction(
                compare: [.value("/cfg", equals: Data(text: "v1")), .version("/cfg", equals: 1)],
                success: [.put("/cfg", Data(text: "v3")), .deletePrefix("/nothing")]))
            #expect(byValue.succeeded)
            let greater = try await client.transaction(EtcdTransaction(
                compare: [.version("/cfg", .greater, 5)], success: [.delete("/cfg")]))
            #expect(!greater.succeeded)
            #expect(try await client.get("/cfg")?.value == Data(text: "v3"))
        }
    }

    @Test("two concurrent createIfAbsent on one key: exactly one wins")
    func createIfAbsentRace() async throws {
        try await withEtcd { _, client in
            for round in 0..<5 {
                let key = "/leader/\(round)"
                async let first = client.createIfAbsent(key, value: Data(text: "first"))
                async let second = client.createIfAbsent(key, value: Data(text: "second"))
                let outcomes = try await [first, second]
                #expect(outcomes.filter { $0 }.count == 1)
                let winner = outcomes[0] ? "first" : "second"
                #expect(try await client.get(key)?.value == Data(text: winner))
            }
        }
    }

    @Test("compareAndSwap replaces only the revision it read")
    func compareAndSwap() async throws {
        try await withEtcd { _, client in
            try await client.put("/x", value: Data(text: "1"))
            let read = try #require(try await client.get("/x"))
            #expect(try await client.compareAndSwap("/x", expectedModRevision: read.modRevision, value: Data(text: "2")))
            #expect(try await !client.compareAndSwap("/x", expectedModRevision: read.modRevision, value: Data(text: "3")))
            #expect(try await client.get("/x")?.value == Data(text: "2"))
        }
    }

    @Test("etcd's refusals become etcd.refused with the category of their gRPC code")
    func refusals() async throws {
        try await withEtcd { _, client in
            let emptyKey = await #expect(throws: EtcdError.self) { try await client.put("", value: Data()) }
            #expect(emptyKey?.code == .refused && emptyKey?.category == .invalidInput && emptyKey?.grpcCode == 3)

            let huge = await #expect(throws: EtcdError.self) {
                try await client.put("/big", value: Data(count: 2 * 1024 * 1024))
            }
            #expect(huge?.code == .refused && huge?.category == .tooLarge)

            let unknownLease = await #expect(throws: EtcdError.self) {
                try await client.put("/leased", value: Data(), lease: 123_456)
            }
            #expect(unknownLease?.code == .leaseExpired)
        }
    }

    @Test("status reports etcd's version, revision and leader")
    func status() async throws {
        try await withEtcd { _, client in
            let revision = try await client.put("/s", value: Data(text: "1"))
            let status = try await client.status()
            #expect(status.version.hasPrefix("3."))
            #expect(status.revision == revision)
            #expect(status.hasLeader && status.leaderID == status.memberID)
        }
    }

    @Test("endpoints that are not http://host:port are refused with etcd.endpoint_invalid")
    func invalidEndpoints() throws {
        for endpoint in ["ftp://x", "https://127.0.0.1:2379", "http://", "http://user@host:1", "http://host:99999", "127.0.0.1:2379"] {
            let error = #expect(throws: EtcdError.self) { try EtcdClient(endpoints: [endpoint]) }
            #expect(error?.code == .endpointInvalid, "\(endpoint)")
        }
        #expect(throws: EtcdError.self) { try EtcdClient(endpoints: []) }
        #expect(Set(EtcdError.knownCodes.map(\.rawValue)).count == EtcdError.knownCodes.count)
    }
}
