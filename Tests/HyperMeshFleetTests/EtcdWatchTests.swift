import Foundation
import HyperMeshFleet
import HyperMeshTestSupport
import Testing

@Suite("etcd watch", .timeLimit(.minutes(2)))
struct EtcdWatchTests {
    @Test("a watch from a revision sees the puts and deletes under its prefix in order")
    func seesChangesInOrder() async throws {
        try await withEtcd { _, client in
            let start = try await client.list(prefix: "/w/").revision
            let putA = try await client.put("/w/a", value: Data(text: "1"))
            try await client.put("/other", value: Data(text: "ignored"))
            let putB = try await client.put("/w/b", value: Data(text: "2"))
            let putA2 = try await client.put("/w/a", value: Data(text: "3"))
            try await client.delete("/w/b")

            var events: [EtcdWatchEvent] = []
            for try await batch in client.watch(prefix: "/w/", fromRevision: start + 1) {
                #expect(batch.revision >= batch.events.last?.keyValue.modRevision ?? 0)
                events += batch.events
                if events.count >= 4 { break }
            }
            #expect(events.map(\.kind) == [.put, .put, .put, .delete])
            #expect(events.map(\.keyValue.key) == ["/w/a", "/w/b", "/w/a", "/w/b"])
            #expect(events.map(\.keyValue.modRevision).prefix(3) == [putA, putB, putA2])
            #expect(events[2].keyValue.value == Data(text: "3") && events[2].keyValue.version == 2)
            #expect(events[3].keyValue.value.isEmpty && events[3].keyValue.modRevision > putA2)
        }
    }

    @Test("a watch without a revision sees changes made after it started")
    func seesLiveChanges() async throws {
        try await withEtcd { server, client in
            let watcher = Task { () async throws -> EtcdWatchEvent? in
                for try await batch in client.watch(prefix: "/live/") {
                    if let event = batch.events.first(where: { $0.keyValue.key == "/live/ready" }) { return event }
                }
                return nil
            }
            // The watch is created asynchronously: wait until etcd counts it, then write.
            let created = try await eventually { try await etcdMetric("etcd_debugging_mvcc_watch_stream_total", endpoint: server.endpoint) == 1 }
            #expect(created)
            try await client.put("/live/ready", value: Data(text: "yes"))
            let event = try await watcher.value
            #expect(event?.kind == .put && event?.keyValue.value == Data(text: "yes"))
        }
    }

    @Test("a watch from a compacted revision ends with etcd.compacted and the compact revision")
    func compactedRevision() async throws {
        try await withEtcd { _, client in
            var last: Int64 = 0
            for value in 0..<5 { last = try await client.put("/c/k", value: Data(text: "\(value)")) }
            try await client.compact(revision: last)
            let error = await #expect(throws: EtcdError.self) {
                for try await _ in client.watch(prefix: "/c/", fromRevision: 2) {}
            }
            #expect(error?.code == .compacted && error?.compactRevision == last)
            #expect(error?.category == .conflict)
        }
    }

    @Test("cancelling the consuming task ends the watch request on etcd")
    func cancellationEndsTheRequest() async throws {
        try await withEtcd { server, client in
            let consumer = Task {
                for try await _ in client.watch(prefix: "/idle/") {}
            }
            let opened = try await eventually { try await etcdMetric("etcd_debugging_mvcc_watch_stream_total", endpoint: server.endpoint) == 1 }
            #expect(opened)
            consumer.cancel()
            _ = await consumer.result
            let closed = try await eventually { try await etcdMetric("etcd_debugging_mvcc_watch_stream_total", endpoint: server.endpoint) == 0 }
            #expect(closed)
        }
    }
}
