import Foundation
import HyperMeshErrors
import HyperMeshFleet
import HyperMeshTestSupport
import Testing

@Suite("etcd outages and strangers", .timeLimit(.minutes(3)))
struct EtcdOutageTests {
    @Test("etcd stopped: calls fail with etcd.unavailable, a running watch ends with it, and after a restart calls work again")
    func stoppedThenBack() async throws {
        try await withEtcd(requestTimeout: .seconds(10)) { server, client in
            let written = try await client.put("/rollout/r1", value: Data(text: "step 1"))
            let watch = client.watch(prefix: "/rollout/", fromRevision: written)
            var iterator = watch.makeAsyncIterator()
            let first = try await iterator.next()
            #expect(first?.events.first?.keyValue.key == "/rollout/r1")

            server.stopKeepingData()
            let ended = await #expect(throws: EtcdError.self) {
                while try await iterator.next() != nil {}
            }
            #expect(ended?.code == .unavailable)

            let failed = await #expect(throws: EtcdError.self) { try await client.put("/rollout/r1", value: Data(text: "step 2")) }
            #expect(failed?.code == .unavailable && failed?.category == .unavailable)
            #expect(failed?.subject == server.endpoint)
            let failedRead = await #expect(throws: EtcdError.self) { try await client.get("/rollout/r1") }
            #expect(failedRead?.code == .unavailable)

            try await server.restart()
            #expect(try await client.get("/rollout/r1")?.value == Data(text: "step 1"))
            #expect(try await client.put("/rollout/r1", value: Data(text: "step 2")) > written)
        }
    }

    @Test("a frozen etcd makes calls fail with etcd.timeout after the request timeout, not hang")
    func frozenTimesOut() async throws {
        try await withEtcd(requestTimeout: .seconds(3)) { server, client in
            try await client.put("/k", value: Data(text: "v"))
            server.suspend()
            defer { server.resume() }
            let error = await #expect(throws: EtcdError.self) { try await client.get("/k") }
            #expect(error?.code == .timeout && error?.category == .unavailable)
            let renewal = await #expect(throws: EtcdError.self) { try await client.keepAlive(1) }
            #expect(renewal?.code == .timeout)
            server.resume()
            #expect(try await client.get("/k")?.value == Data(text: "v"))
        }
    }

    @Test("nothing listening: etcd.unavailable naming the endpoint; a second endpoint is tried next")
    func nothingListening() async throws {
        let server = try await EtcdServer.start()
        defer { server.stop() }
        let silent = try await RawReplyServer(reply: "")
        let closedEndpoint = silent.endpoint
        await silent.stop()

        // A generous timeout: a refused connection must be told from a slow one even on a loaded machine.
        let lonely = try EtcdClient(endpoints: [closedEndpoint], requestTimeout: .seconds(10))
        let error = await #expect(throws: EtcdError.self) { try await lonely.status() }
        // Refused at once normally; a machine starved for longer than the timeout reports etcd.timeout.
        #expect((error?.code == .unavailable || error?.code == .timeout) && error?.subject == closedEndpoint)
        let watchError = await #expect(throws: EtcdError.self) { for try await _ in lonely.watch(prefix: "/") {} }
        #expect(watchError?.code == .unavailable || watchError?.code == .timeout)
        try await lonely.shutdown()

        let pair = try EtcdClient(endpoints: [closedEndpoint, server.endpoint], requestTimeout: .seconds(10))
        try await pair.put("/both", value: Data(text: "ok"))
        #expect(try await pair.get("/both")?.value == Data(text: "ok"))
        #expect(try await pair.status().hasLeader)
        try await pair.shutdown()
    }

    @Test("an endpoint that is not etcd gives etcd.protocol_violation")
    func notEtcd() async throws {
        let replies = [
            "SSH-2.0-OpenSSH_9.2\r\nthis is not HTTP\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 13\r\nConnection: close\r\n\r\n<h1>nope</h1>",
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]",
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
        ]
        for reply in replies {
            let stranger = try await RawReplyServer(reply: reply)
            let client = try EtcdClient(endpoints: [stranger.endpoint], requestTimeout: .seconds(10))
            let error = await #expect(throws: EtcdError.self) { try await client.get("/k") }
            #expect(error?.code == .protocolViolation, "\(reply.prefix(20))")
            #expect(error?.category == .unavailable)
            try await client.shutdown()
            await stranger.stop()
        }
    }
}
