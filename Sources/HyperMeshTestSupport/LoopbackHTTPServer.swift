import Foundation
import Logging
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOCore
import NIOSSL
import Synchronization

/// An HTTP (or, given a TLS configuration, HTTPS) server on 127.0.0.1 and a free port for the
/// `http_request` tests and benchmarks, on Hummingbird. Routes:
/// - `GET /hello`, `HEAD /hello`: `body` (status 200; HEAD carries its Content-Length, no body);
/// - `GET /bytes?count=N`: N bytes of `b`, streamed in 16 KiB chunks;
/// - `GET /trickle?count=N&intervalMilliseconds=M`: N bytes, one every M ms;
/// - `GET /empty`: 204; `GET /not-modified`: 304;
/// - `GET /redirect?to=URL`: 302 to URL;
/// - `POST /echo`: the request body;
/// - `GET /header?name=N`: the value of the request's header N (empty if none);
/// - `POST /v1/traces`: an OTLP/HTTP receiver: remembers the body (``receivedBodies``), answers `{}`.
/// Every request's method and path are remembered (``requests``). ``stop()`` ends the server.
public final class LoopbackHTTPServer: Sendable {
    public let port: Int
    public let body: String
    private let seen: RequestLog
    private let task: Task<Void, any Error>

    public var requests: [String] { seen.lines.withLock { $0 } }

    /// The bodies posted to `/v1/traces`, in order.
    public var receivedBodies: [[UInt8]] { seen.bodies.withLock { $0 } }

    /// The requests seen, shared with the middleware that records them.
    final class RequestLog: Sendable {
        let lines = Mutex<[String]>([])
        let bodies = Mutex<[[UInt8]]>([])
    }

    public init(body: String = "hello from loopback", tls: NIOSSL.TLSConfiguration? = nil) async throws {
        self.body = body
        let seen = RequestLog()
        self.seen = seen
        let router = Router()
        router.middlewares.add(RecordingMiddleware(seen: seen))
        let text = body
        router.get("hello") { _, _ in text }
        router.head("hello") { _, _ in
            Response(status: .ok, headers: [.contentLength: "\(text.utf8.count)"])
        }
        router.get("bytes") { request, _ in
            let count = request.uri.queryParameters.get("count", as: Int.self) ?? 0
            return Response(status: .ok, headers: [.contentLength: "\(count)"], body: ResponseBody(contentLength: count) { writer in
                var left = count
                while left > 0 {
                    let chunk = min(left, 16 * 1024)
                    try await writer.write(ByteBuffer(repeating: UInt8(ascii: "b"), count: chunk))
                    left -= chunk
                }
                try await writer.finish(nil)
            })
        }
        router.get("trickle") { request, _ in
            let count = request.uri.queryParameters.get("count", as: Int.self) ?? 10
            let interval = request.uri.queryParameters.get("intervalMilliseconds", as: Int.self) ?? 200
            return Response(status: .ok, headers: [.contentLength: "\(count)"], body: ResponseBody(contentLength: count) { writer in
                for _ in 0..<count {
                    try await writer.write(ByteBuffer(bytes: [UInt8(ascii: "t")]))
                    try await Task.sleep(for: .milliseconds(interval))
                }
                try await writer.finish(nil)
            })
        }
        router.get("empty") { _, _ in Response(status: .noContent) }
        router.get("not-modified") { _, _ in Response(status: .notModified) }
        router.get("redirect") { request, _ in
            Response(status: .found, headers: [.location: request.uri.queryParameters.get("to") ?? "/hello"])
        }
        router.post("echo") { request, _ in
            let buffer = try await request.body.collect(upTo: 64 << 20)
            return Response(status: .ok, body: ResponseBody(byteBuffer: buffer))
        }
        router.post("v1/traces") { request, _ in
            let buffer = try await request.body.collect(upTo: 64 << 20)
            seen.bodies.withLock { $0.append(Array(buffer.readableBytesView)) }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: "{}")))
        }
        router.get("header") { request, _ in
            let name = request.uri.queryParameters.get("name") ?? ""
            return request.headers.first { $0.name.canonicalName == name.lowercased() }?.value ?? ""
        }
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let server: HTTPServerBuilder = try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1()
        let app = Application(
            router: router, server: server,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0); continuation.finish() },
            logger: Self.quietLogger)
        task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw LoopbackServerFailure.didNotStart
        }
        self.port = port
    }

    /// Logs only critical problems: stopping the server by cancellation is not one.
    private static let quietLogger: Logger = {
        var logger = Logger(label: "test.loopback-http")
        logger.logLevel = .critical
        return logger
    }()

    public func stop() {
        task.cancel()
    }

    public enum LoopbackServerFailure: Error { case didNotStart }

    private struct RecordingMiddleware<Context: RequestContext>: RouterMiddleware {
        let seen: RequestLog

        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            seen.lines.withLock { $0.append("\(request.method.rawValue) \(request.uri.path)\(request.uri.query.map { "?\($0)" } ?? "")") }
            return try await next(request, context)
        }
    }
}
