import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdCore
import HTTPTypes
import Logging
import NIOCore
import Synchronization

/// A proxy on 127.0.0.1 at a free port in front of a ``RegistryServer``, on Hummingbird (server)
/// and AsyncHTTPClient (upstream), that breaks the next matching request(s) the way a test asks:
/// a flipped byte, a truncated or dropped body, a lying `Content-Type`, an oversized manifest, a
/// 429 or a 5xx. It can also demand authentication itself: Basic, or Bearer tokens from its own
/// token endpoint (`GET /token`, counted in ``tokenRequests``), so both 401 flows are exercised.
///
/// Every request is counted by method and path (``count(_:pathContains:)``), and `Range` headers
/// are recorded (``rangeRequests``). Requests go upstream with the proxy's own `Authorization`
/// removed when the proxy authenticates. ``stop()`` ends the server and its upstream client.
///
/// Not supported: a TLS upstream (the proxy speaks plain HTTP on both sides), request bodies over
/// 512 MiB (they are collected before being forwarded).
public final class RegistryFaultProxy: Sendable {
    public enum Fault: Sendable, Hashable {
        /// Flip (xor 0xff) the body byte at this offset.
        case flipByte(at: Int)
        /// Serve only the first bytes of the body, as a complete response (a shorter Content-Length).
        case truncate(keepingBytes: Int)
        /// Replace the response's Content-Type.
        case contentType(String)
        /// Answer 200 with this many bytes of manifest media type, with or without Content-Length.
        case oversizedManifest(bytes: Int, declaringLength: Bool)
        /// Answer this status without asking upstream, with `Retry-After` when given.
        case status(Int, retryAfterSeconds: Int?)
        /// Announce the full Content-Length, send this many body bytes, then close the connection.
        case dropConnection(afterBytes: Int)
        /// Answer 307 to `base` followed by the request's path and query (another server, as blob
        /// storage would be).
        case redirect(base: String)
    }

    public enum Authentication: Sendable {
        case none
        /// Demand `Authorization: Basic` with this user and password.
        case basic(user: String, password: String)
        /// Demand a token from `/token` (which demands Basic credentials when `user` is set, or, for
        /// a POST, an OAuth2 refresh-token grant whose token is `password`);
        /// `realm` overrides the realm URL announced in the challenge.
        case bearer(user: String?, password: String?, expiresInSeconds: Int, realm: String? = nil)
    }

    public let port: Int
    public var registry: String { "127.0.0.1:\(port)" }
    private let shared: Shared
    private let task: Task<Void, any Error>

    final class Shared: Sendable {
        struct Rule: Sendable {
            var fault: Fault
            var method: String?
            var pathContains: String
            var remaining: Int
        }
        let rules = Mutex<[Rule]>([])
        let counts = Mutex<[String: Int]>([:])
        let ranges = Mutex<[String]>([])
        let authorizations = Mutex<[String: Int]>([:])
        let tokens = Mutex<Set<String>>([])
        let tokenRequests = Mutex(0)
        let proxyPort = Mutex(0)
        let authentication: Authentication
        let upstream: String
        let client: HTTPClient

        init(authentication: Authentication, upstream: String) {
            self.authentication = authentication
            self.upstream = upstream
            client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                                configuration: .init(redirectConfiguration: .disallow, decompression: .disabled))
        }

        /// The client's `Authorization` reaches the registry only when the proxy does not authenticate.
        var forwardsAuthorization: Bool {
            if case .none = authentication { return true }
            return false
        }

        func takeFault(method: String, path: String) -> Fault? {
            rules.withLock { rules in
                guard let index = rules.firstIndex(where: { ($0.method == nil || $0.method == method) && path.contains($0.pathContains) && $0.remaining > 0 }) else {
                    return nil
                }
                rules[index].remaining -= 1
                let fault = rules[index].fault
                if rules[index].remaining == 0 { rules.remove(at: index) }
                return fault
            }
        }
    }

    /// Starts a proxy in front of `upstream`.
    public init(upstream: RegistryServer, authentication: Authentication = .none) async throws {
        let shared = Shared(authentication: authentication, upstream: "\(upstream.usesTLS ? "https" : "http")://127.0.0.1:\(upstream.port)")
        self.shared = shared
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            try await Self.respond(to: request, shared: shared)
        }
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0); continuation.finish() },
            logger: Self.quietLogger)
        task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            try? await shared.client.shutdown()
            throw TestSupportError(code: .launchFailed, message: "the registry fault proxy did not start")
        }
        self.port = port
        shared.proxyPort.withLock { $0 = port }
    }

    /// Breaks the next `times` requests whose path contains `pathContains` (and whose method is
    /// `method`, when given) with `fault`.
    public func inject(_ fault: Fault, method: String? = nil, pathContains: String, times: Int = 1) {
        shared.rules.withLock { $0.append(.init(fault: fault, method: method, pathContains: pathContains, remaining: times)) }
    }

    /// Requests seen with `method` whose path (without query) contains `pathContains`.
    public func count(_ method: String, pathContains: String) -> Int {
        shared.counts.withLock { counts in
            counts.filter { $0.key.hasPrefix("\(method) ") && $0.key.dropFirst(method.count + 1).contains(pathContains) }.values.reduce(0, +)
        }
    }

    /// Every request seen, as `METHOD /path` → count.
    public var requestCounts: [String: Int] { shared.counts.withLock { $0 } }

    /// `"/v2/…/blobs/sha256:… bytes=N-"` for each request that carried a Range header.
    public var rangeRequests: [String] { shared.ranges.withLock { $0 } }

    /// Requests seen with `method` on a path containing `pathContains` that carried `Authorization`.
    public func authorizedCount(_ method: String, pathContains: String) -> Int {
        shared.authorizations.withLock { counts in
            counts.filter { $0.key.hasPrefix("\(method) ") && $0.key.dropFirst(method.count + 1).contains(pathContains) }.values.reduce(0, +)
        }
    }

    /// How many times the token endpoint was asked.
    public var tokenRequests: Int { shared.tokenRequests.withLock { $0 } }

    public func stop() async {
        task.cancel()
        _ = try? await task.value
        try? await shared.client.shutdown()
    }

    private static let quietLogger: Logger = {
        var logger = Logger(label: "test.registry-fault-proxy")
        logger.logLevel = .critical
        return logger
    }()

    // MARK: Serving

    private static func respond(to request: Request, shared: Shared) async throws -> Response {
        let method = request.method.rawValue
        let path = request.uri.path
        shared.counts.withLock { $0["\(method) \(path)", default: 0] += 1 }
        if let range = request.headers[.range] {
            shared.ranges.withLock { $0.append("\(path) \(range)") }
        }
        if request.headers[.authorization] != nil {
            shared.authorizations.withLock { $0["\(method) \(path)", default: 0] += 1 }
        }
        if path == "/token" {
            let body = try await request.body.collect(upTo: 1 << 20)
            return issueToken(request, body: body, shared: shared)
        }
        if let refusal = checkAuthentication(request, shared: shared) {
            return refusal
        }
        let fault = shared.takeFault(method: method, path: path)
        switch fault {
        case .status(let code, let retryAfter)?:
            var headers: HTTPFields = [.contentType: "application/json"]
            if let retryAfter { headers[.retryAfter] = "\(retryAfter)" }
            return Response(status: .init(code: code), headers: headers,
                            body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"errors":[{"code":"UNAVAILABLE","message":"injected fault"}]}"#)))
        case .redirect(let base)?:
            let target = base + path + (request.uri.query.map { "?\($0)" } ?? "")
            return Response(status: .temporaryRedirect, headers: [.location: target])
        case .oversizedManifest(let bytes, let declaringLength)?:
            var headers: HTTPFields = [.contentType: "application/vnd.oci.image.manifest.v1+json"]
            if declaringLength { headers[.contentLength] = "\(bytes)" }
            return Response(status: .ok, headers: headers, body: ResponseBody(contentLength: declaringLength ? bytes : nil) { writer in
                var left = bytes
                while left > 0 {
                    let chunk = min(left, 64 << 10)
                    try await writer.write(ByteBuffer(repeating: UInt8(ascii: " "), count: chunk))
                    left -= chunk
                }
                try await writer.finish(nil)
            })
        default:
            break
        }
        var upstream = HTTPClientRequest(url: shared.upstream + path + (request.uri.query.map { "?\($0)" } ?? ""))
        upstream.method = .init(rawValue: method)
        let skipped: Set<HTTPField.Name> = shared.forwardsAuthorization
            ? [.connection, .contentLength, .transferEncoding]
            : [.connection, .contentLength, .transferEncoding, .authorization]
        for field in request.headers where !skipped.contains(field.name) {
            upstream.headers.add(name: field.name.rawName, value: field.value)
        }
        let body = try await request.body.collect(upTo: 512 << 20)
        if body.readableBytes > 0 || ["PUT", "POST", "PATCH"].contains(method) { upstream.body = .bytes(body) }
        let answer = try await shared.client.execute(upstream, timeout: .seconds(120))
        var headers = HTTPFields()
        var length: Int?
        for header in answer.headers {
            guard let name = HTTPField.Name(header.name) else { continue }
            if name == .contentLength { length = Int(header.value); continue }
            if name == .connection || name == .transferEncoding { continue }
            headers.append(HTTPField(name: name, value: header.value))
        }
        let status = HTTPResponse.Status(code: Int(answer.status.code))
        switch fault {
        case .contentType(let value)?:
            headers[.contentType] = value
        case .flipByte(let offset)?:
            var bytes = try await answer.body.collect(upTo: 512 << 20)
            if offset < bytes.readableBytes, let byte = bytes.getInteger(at: bytes.readerIndex + offset, as: UInt8.self) {
                bytes.setInteger(byte ^ 0xff, at: bytes.readerIndex + offset)
            }
            headers[.contentLength] = "\(bytes.readableBytes)"
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: bytes))
        case .truncate(let keep)?:
            let bytes = try await answer.body.collect(upTo: 512 << 20)
            let kept = bytes.getSlice(at: bytes.readerIndex, length: min(keep, bytes.readableBytes)) ?? ByteBuffer()
            headers[.contentLength] = "\(kept.readableBytes)"
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: kept))
        case .dropConnection(let after)?:
            let bytes = try await answer.body.collect(upTo: 512 << 20)
            headers[.contentLength] = "\(bytes.readableBytes)"
            let prefix = bytes.getSlice(at: bytes.readerIndex, length: min(after, bytes.readableBytes)) ?? ByteBuffer()
            return Response(status: status, headers: headers, body: ResponseBody(contentLength: bytes.readableBytes) { writer in
                try await writer.write(prefix)
                // Give the bytes time to leave, then break the connection mid-body.
                try await Task.sleep(for: .milliseconds(50))
                throw DroppedConnection()
            })
        default:
            break
        }
        if let length { headers[.contentLength] = "\(length)" }
        let upstreamBody = answer.body
        return Response(status: status, headers: headers, body: ResponseBody(contentLength: length) { writer in
            for try await chunk in upstreamBody { try await writer.write(chunk) }
            try await writer.finish(nil)
        })
    }

    struct DroppedConnection: Error {}

    /// The scope of a `/v2/<name>/(manifests|blobs|tags)/…` path.
    private static func scope(of path: String, method: String) -> String? {
        guard path.hasPrefix("/v2/") else { return nil }
        let rest = path.dropFirst(4)
        for marker in ["/manifests/", "/blobs/", "/tags/"] {
            if let range = rest.range(of: marker) {
                let action = method == "GET" || method == "HEAD" ? "pull" : "pull,push"
                return "repository:\(rest[..<range.lowerBound]):\(action)"
            }
        }
        return nil
    }

    /// Nil when the request may pass, else the 401 to send.
    private static func checkAuthentication(_ request: Request, shared: Shared) -> Response? {
        let given = request.headers[.authorization]
        switch shared.authentication {
        case .none:
            return nil
        case .basic(let user, let password):
            if given == "Basic " + Data("\(user):\(password)".utf8).base64EncodedString() { return nil }
            return unauthorized(challenge: #"Basic realm="hypermesh-proxy""#)
        case .bearer(_, _, _, let realm):
            if let given, given.hasPrefix("Bearer "), shared.tokens.withLock({ $0.contains(String(given.dropFirst(7))) }) { return nil }
            let port = shared.proxyPort.withLock { $0 }
            var challenge = #"Bearer realm="\#(realm ?? "http://127.0.0.1:\(port)/token")",service="hypermesh-proxy""#
            if let scope = scope(of: request.uri.path, method: request.method.rawValue) { challenge += #",scope="\#(scope)""# }
            return unauthorized(challenge: challenge)
        }
    }

    private static func unauthorized(challenge: String) -> Response {
        Response(status: .unauthorized, headers: [.wwwAuthenticate: challenge, .contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#)))
    }

    /// `GET /token?service=…&scope=…`: a fresh token, when the Basic credentials (if demanded) match.
    private static func issueToken(_ request: Request, body: ByteBuffer, shared: Shared) -> Response {
        shared.tokenRequests.withLock { $0 += 1 }
        guard case .bearer(let user, let password, let expiresIn, _) = shared.authentication else {
            return Response(status: .notFound)
        }
        if request.method == .post, let password {
            // An OAuth2 refresh-token grant (Docker identity tokens): the password is the token.
            let form = String(decoding: body.readableBytesView, as: UTF8.self)
            guard form.split(separator: "&").contains("grant_type=refresh_token"),
                  form.split(separator: "&").contains(Substring("refresh_token=\(password)")) else {
                return unauthorized(challenge: #"Bearer realm="hypermesh-proxy-token""#)
            }
        } else if let user, let password,
           request.headers[.authorization] != "Basic " + Data("\(user):\(password)".utf8).base64EncodedString() {
            return unauthorized(challenge: #"Basic realm="hypermesh-proxy-token""#)
        }
        let token = UUID().uuidString
        shared.tokens.withLock { _ = $0.insert(token) }
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"token":"\#(token)","expires_in":\#(expiresIn)}"#)))
    }
}
