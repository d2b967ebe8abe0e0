import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A client of etcd v3 through its JSON gateway (HTTP/1.1, `POST /v3/...`), on one `HTTPClient`
/// it owns: call ``shutdown()`` when done, before the last reference goes (AsyncHTTPClient stops a
/// debug build that releases a client still running).
///
/// Every call goes to the first endpoint; when that one is unavailable (refused, reset, timed
/// out, or answering something that is not etcd) the next is tried, and so on; the error of the
/// last endpoint is thrown. A refused connection fails at once (no retry inside the client). Each attempt of a unary call (head and body) is bounded by
/// `requestTimeout` (default 5 s); a streaming call (``watch(prefix:fromRevision:)``) is bounded
/// only until etcd answers its head.
///
/// Not guaranteed: exactly-once writes. A write whose attempt timed out or lost its connection may
/// have been applied, and it is then tried on the next endpoint (a put is then applied twice; a
/// transaction's comparisons decide again). No TLS and no authentication: use `http://`
/// endpoints on loopback or a private network.
public final class EtcdClient: Sendable {
    /// The endpoints in the order they are tried, e.g. `["http://127.0.0.1:2379"]`.
    public let endpoints: [String]
    /// The bound of each attempt of a unary call.
    public let requestTimeout: Duration
    let checkedEndpoints: [EtcdEndpoint]
    let logger: Logger
    let httpClient: HTTPClient
    /// Default 16 MiB: the largest unary answer read (a list of many keys).
    let maximumResponseBytes = 16 * 1024 * 1024

    /// Checks the endpoints (each `http://host:port`; at least one) and creates the HTTP client.
    /// Connecting is lazy: a wrong address shows at the first call, as `etcd.unavailable`.
    public init(endpoints: [String], requestTimeout: Duration = .seconds(5), logger: Logger? = nil) throws(EtcdError) {
        guard !endpoints.isEmpty else {
            throw EtcdError(.endpointInvalid, subject: nil, "at least one etcd endpoint is needed")
        }
        var checked: [EtcdEndpoint] = []
        for endpoint in endpoints { checked.append(try EtcdEndpoint(endpoint)) }
        self.checkedEndpoints = checked
        self.endpoints = checked.map(\.baseURL)
        self.requestTimeout = requestTimeout
        self.logger = logger ?? Logger(label: "hypermesh.fleet.etcd", factory: { _ in SwiftLogNoOpLogHandler() })
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: Self.timeAmount(requestTimeout)))
        configuration.httpVersion = .http1Only
        // A refused connection fails the call at once (etcd.unavailable) instead of being retried
        // until the timeout: the next endpoint is tried, and callers retry with their own backoff.
        configuration.connectionPool.retryConnectionEstablishment = false
        self.httpClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Shuts the HTTP client down; running calls and watches fail. Call once.
    public func shutdown() async throws {
        try await httpClient.shutdown()
    }

    // MARK: Unary calls

    /// POSTs `body` as JSON to `path` on each endpoint in turn until one answers; decodes a 200
    /// answer as `Response` (it must carry etcd's header), maps any other answer to an ``EtcdError``.
    func call<Response: EtcdWire.Answer>(_ path: String, _ body: some Encodable, as: Response.Type) async throws(EtcdError) -> Response {
        let payload = EtcdWire.encode(body)
        return try await onEachEndpoint { endpoint throws(EtcdError) in
            let (status, bytes) = try await self.withRequestTimeout(endpoint) {
                let response = try await self.httpClient.execute(
                    self.request(endpoint, path, payload), deadline: .now() + Self.timeAmount(self.requestTimeout), logger: self.logger)
                let body = try await response.body.collect(upTo: self.maximumResponseBytes)
                return (response.status, Data(body.readableBytesView))
            }
            guard status == .ok else { throw Self.refusal(status: status, body: bytes, endpoint: endpoint) }
            let answer = try Self.decode(Response.self, from: bytes, endpoint: endpoint)
            guard answer.header != nil else {
                throw EtcdError(.protocolViolation, subject: endpoint.baseURL, "an answer without etcd's header: \(Self.excerpt(bytes))")
            }
            return answer
        }
    }

    /// Runs `attempt` on each endpoint until one does not fail with an unavailable category.
    func onEachEndpoint<Result>(_ attempt: (EtcdEndpoint) async throws(EtcdError) -> Result) async throws(EtcdError) -> Result {
        var lastError: EtcdError?
        for endpoint in checkedEndpoints {
            do {
                return try await attempt(endpoint)
            } catch let error where error.category == .unavailable && !Task.isCancelled {
                logger.debug("etcd endpoint failed", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
                lastError = error
            }
        }
        throw lastError ?? EtcdError(.unavailable, subject: nil, "no etcd endpoint")
    }

    func request(_ endpoint: EtcdEndpoint, _ path: String, _ payload: Data) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: endpoint.baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: payload))
        return request
    }

    /// Runs `operation`, failing with `etcd.timeout` when it takes longer than ``requestTimeout``
    /// (the operation is cancelled, which ends its HTTP request) and mapping transport errors.
    ///
    /// The HTTP request's own deadline is ``requestTimeout``; this bound adds 500 ms so that the
    /// HTTP client reports first when it can (a refused connection then shows as `etcd.unavailable`
    /// rather than as a timeout); it catches a body that stalls after the head.
    func withRequestTimeout<Result: Sendable>(
        _ endpoint: EtcdEndpoint, _ operation: @escaping @Sendable () async throws -> Result
    ) async throws(EtcdError) -> Result {
        let requestTimeout = requestTimeout
        let timeout = requestTimeout + .milliseconds(500)
        do {
            return try await withThrowingTaskGroup(of: Result.self) { group in
                group.addTask { try await operation() }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw EtcdError(.timeout, subject: endpoint.baseURL, "etcd did not answer within \(requestTimeout)")
                }
                defer { group.cancelAll() }
                guard let first = try await group.next() else { throw CancellationError() }
                return first
            }
        } catch {
            throw Self.transportError(error, endpoint: endpoint)
        }
    }

    // MARK: Error mapping

    /// An ``EtcdError`` for an error thrown while talking to `endpoint`.
    static func transportError(_ error: any Error, endpoint: EtcdEndpoint) -> EtcdError {
        if let etcdError = error as? EtcdError { return etcdError }
        let subject = endpoint.baseURL
        if let httpError = error as? HTTPClientError {
            switch httpError {
            case .deadlineExceeded, .connectTimeout, .readTimeout, .writeTimeout, .getConnectionFromPoolTimeout:
                return EtcdError(.timeout, subject: subject, "etcd did not answer in time", cause: httpError)
            case .cancelled:
                return EtcdError(.unavailable, subject: subject, "the call to etcd was cancelled", cause: httpError)
            default:
                break
            }
        }
        if error is CancellationError {
            return EtcdError(.unavailable, subject: subject, "the call to etcd was cancelled", cause: error)
        }
        if error is HTTPParserError {
            return EtcdError(.protocolViolation, subject: subject, "the endpoint does not speak HTTP/1.1 as etcd does", cause: error)
        }
        if error is NIOTooManyBytesError {
            return EtcdError(.protocolViolation, subject: subject, "the answer is larger than the client reads", cause: error)
        }
        return EtcdError(.unavailable, subject: subject, "cannot reach etcd", cause: error)
    }

    /// The error for a non-200 answer: etcd's `{"error","message","code"}` body mapped by its gRPC
    /// code, or a protocol violation when the body is not one.
    static func refusal(status: HTTPResponseStatus, body: Data, endpoint: EtcdEndpoint) -> EtcdError {
        if let answer = try? JSONDecoder().decode(EtcdWire.ErrorBody.self, from: body), let code = answer.code {
            return etcdError(grpcCode: code, message: answer.message ?? answer.error ?? "", endpoint: endpoint)
        }
        return EtcdError(
            .protocolViolation, subject: endpoint.baseURL,
            "HTTP \(status.code) that is not an etcd error answer: \(excerpt(body))")
    }

    /// The error etcd reported as gRPC code `grpcCode` with `message`.
    static func etcdError(grpcCode: Int, message: String, endpoint: EtcdEndpoint) -> EtcdError {
        if grpcCode == 5, message.contains("lease not found") {
            return EtcdError(.leaseExpired, subject: endpoint.baseURL, "etcd: \(message)", grpcCode: grpcCode)
        }
        if grpcCode == 11, message.contains("compacted") {
            return EtcdError(.compacted, subject: endpoint.baseURL, "etcd: \(message)", grpcCode: grpcCode)
        }
        return EtcdError(
            .refused(grpcCode: grpcCode, message: message), subject: endpoint.baseURL,
            "etcd refused the request (gRPC code \(grpcCode)): \(message)", grpcCode: grpcCode)
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from data: Data, endpoint: EtcdEndpoint) throws(EtcdError) -> Value {
        do {
            return try JSONDecoder().decode(Value.self, from: data)
        } catch {
            throw EtcdError(
                .protocolViolation, subject: endpoint.baseURL, "not an etcd gateway answer: \(excerpt(data))", cause: error)
        }
    }

    /// The first 200 characters of `data`, for messages.
    static func excerpt(_ data: Data) -> String {
        let text = String(decoding: data.prefix(200), as: UTF8.self)
        return text.isEmpty ? "(empty body)" : text
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
