import AsyncHTTPClient
import Foundation
import HyperMeshFleet
import HyperMeshTestSupport
import NIOCore
import NIOPosix

/// Starts a real etcd and a client on it, runs `body`, and always shuts the client down and stops
/// the server (also when `body` throws).
func withEtcd<Result>(
    requestTimeout: Duration = .seconds(10),
    _ body: (EtcdServer, EtcdClient) async throws -> Result
) async throws -> Result {
    let server = try await EtcdServer.start()
    defer { server.stop() }
    let client = try EtcdClient(endpoints: [server.endpoint], requestTimeout: requestTimeout)
    do {
        let result = try await body(server, client)
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// Polls `condition` every 100 ms until it holds or `bound` passes; answers whether it held.
func eventually(within bound: Duration = .seconds(40), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + bound
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(100))
    }
    return try await condition()
}

/// The value of an etcd gauge or counter from its `/metrics` page, or nil when absent.
func etcdMetric(_ name: String, endpoint: String) async throws -> Double? {
    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: endpoint + "/metrics"), timeout: .seconds(5))
    let text = String(buffer: try await response.body.collect(upTo: 16 * 1024 * 1024))
    for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
        return Double(line.dropFirst(name.count + 1))
    }
    return nil
}

extension Data {
    init(text: String) { self.init(text.utf8) }
}

/// A TCP server on a free loopback port that answers whatever it receives with `reply` (raw
/// bytes, not necessarily HTTP) and closes the connection.
final class RawReplyServer: Sendable {
    let channel: any Channel
    var endpoint: String { "http://127.0.0.1:\(channel.localAddress?.port ?? 0)" }

    private final class ReplyHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let reply: String

        init(reply: String) { self.reply = reply }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: reply)), promise: nil)
            context.close(promise: nil)
        }
    }

    init(reply: String) async throws {
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ReplyHandler(reply: reply))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
    }

    func stop() async {
        try? await channel.close()
    }
}
