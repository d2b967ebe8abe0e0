import AsyncHTTPClient
import Foundation
import HyperMeshSecurity
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The HTTP client behind `http_request`, on AsyncHTTPClient: HTTP/1.1 and HTTP/2 over TCP or
/// TLS, with the system's trust roots plus the operator's bundle, certificate and host name
/// verification always on, redirects never followed by the library (``HTTPRequestFunction``
/// follows them itself, checking each hop), and bodies streamed chunk by chunk through
/// ``ExtensionTraffic`` (the byte quota and the bandwidth pacer) and the size cap.
///
/// Each exchange connects to the one address the caller checked (`dnsOverride`; TLS still sends
/// and verifies the request's host name), through a client made for it and shut down after it,
/// so that no pooled connection to an earlier address is reused.
///
/// Blocking: ``exchange(_:address:traffic:deadline:)`` waits on the calling thread (a call
/// thread of the host, never an event loop or the cooperative pool) while the exchange runs as a
/// task on the NIO event loops.
public final class OutboundHTTPClient: Sendable {
    public let settings: OutboundHTTPSettings
    private let tls: TLSConfiguration

    /// Reads the operator's CA bundles; throws naming a file that cannot be read.
    public init(settings: OutboundHTTPSettings = OutboundHTTPSettings()) throws(ExtensionError) {
        self.settings = settings
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        var extra: [NIOSSLCertificate] = []
        for bundle in settings.additionalCABundles {
            do {
                extra += try NIOSSLCertificate.fromPEMFile(bundle.path)
            } catch {
                throw ExtensionError(.hostConfigurationInvalid, extensionID: nil,
                                     "cannot read the CA bundle \(bundle.path) for outbound HTTPS", cause: "\(error)")
            }
        }
        if !extra.isEmpty { tls.additionalTrustRoots = [.certificates(extra)] }
        self.tls = tls
    }

    /// A client with the system's roots only.
    public static let systemRootsOnly: OutboundHTTPClient = try! OutboundHTTPClient()

    /// The response of one exchange.
    struct Response: Sendable {
        let status: Int
        let headers: [(name: String, value: String)]
        let body: [UInt8]
    }

    /// Sends `request` to `address` (the checked address of its host) and reads the whole
    /// response, or fails with what stopped it.
    func exchange(_ request: OutboundHTTPRequest, address: [UInt8], traffic: ExtensionTraffic,
                  deadline: ContinuousClock.Instant) throws(OutboundHTTPFailure) -> Response {
        let promise = MultiThreadedEventLoopGroup.singleton.any().makePromise(of: Result<Response, OutboundHTTPFailure>.self)
        promise.completeWithTask { [self] in
            do throws(OutboundHTTPFailure) {
                return .success(try await self.exchangeRacingDeadline(request, address: address, traffic: traffic, deadline: deadline))
            } catch {
                return .failure(error)
            }
        }
        let outcome: Result<Response, OutboundHTTPFailure>
        do {
            outcome = try promise.futureResult.wait()
        } catch {
            throw .connection("the exchange ended unexpectedly: \(error)")
        }
        return try outcome.get()
    }

    private func exchangeRacingDeadline(_ request: OutboundHTTPRequest, address: [UInt8], traffic: ExtensionTraffic,
                                        deadline: ContinuousClock.Instant) async throws(OutboundHTTPFailure) -> Response {
        let budget = ContinuousClock.now.duration(to: deadline)
        let milliseconds = budget.components.seconds * 1000 + budget.components.attoseconds / 1_000_000_000_000_000
        guard budget > .zero else { throw .deadlineExceeded(milliseconds: 0) }
        do {
            return try await withThrowingTaskGroup(of: Response?.self) { group in
                group.addTask { try await self.run(request, address: address, traffic: traffic, budget: budget) }
                group.addTask {
                    try await Task.sleep(until: deadline, clock: .continuous)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let response = first else {
                    throw OutboundHTTPFailure.deadlineExceeded(milliseconds: milliseconds)
                }
                return response
            }
        } catch let failure as OutboundHTTPFailure {
            throw failure
        } catch {
            throw await Self.classify(error, request: request, address: address, connectTimeout: settings.connectTimeout,
                                      deadlineMilliseconds: milliseconds)
        }
    }

    private func run(_ request: OutboundHTTPRequest, address: [UInt8], traffic: ExtensionTraffic, budget: Duration) async throws -> Response {
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow,
            timeout: .init(connect: .nanoseconds(Int64(settings.connectTimeout.components.seconds) * 1_000_000_000
                                                      + settings.connectTimeout.components.attoseconds / 1_000_000_000)),
            decompression: .disabled)
        // A connection that cannot be made (refused, a TLS handshake that fails) fails the exchange
        // at once with its cause. AsyncHTTPClient would retry it with backoff until the connect
        // timeout; for one exchange within a call's deadline, that only delays the cause (or hides it
        // behind the deadline on a busy machine). The extension decides whether to try again.
        configuration.connectionPool.retryConnectionEstablishment = false
        let addressText = NetworkAddressRange.text(of: address)
        if NetworkAddressRange.addressBytes(request.host) == nil { configuration.dnsOverride = [request.host: addressText] }
        if let tracer = settings.tracer { configuration.tracing.tracer = tracer }
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        do {
            let response = try await send(request, with: client, traffic: traffic, budget: budget)
            try await client.shutdown()
            return response
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func send(_ request: OutboundHTTPRequest, with client: HTTPClient, traffic: ExtensionTraffic, budget: Duration) async throws -> Response {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        let head = traffic.take(request.headBytes, .sent)
        guard head.granted == request.headBytes else { throw OutboundHTTPFailure.quotaExceeded(used: head.granted) }
        try await Self.pause(head.waitNanoseconds)
        if !request.body.isEmpty {
            outgoing.body = .stream(Self.pacedChunks(of: request.body, traffic: traffic, used: request.headBytes), length: .known(Int64(request.body.count)))
        }
        let response = try await client.execute(outgoing, timeout: .nanoseconds(Int64(clamping: budget.components.seconds) * 1_000_000_000))
        var used = request.headBytes + request.body.count
        let headers = response.headers.map { (name: $0.name, value: $0.value) }
        let responseHead = 17 + headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 } + 2
        let headAllowance = traffic.take(responseHead, .received)
        used += headAllowance.granted
        guard headAllowance.granted == responseHead else { throw OutboundHTTPFailure.quotaExceeded(used: used) }
        try await Self.pause(headAllowance.waitNanoseconds)
        var body: [UInt8] = []
        for try await chunk in response.body {
            guard body.count + chunk.readableBytes <= settings.maximumResponseBytes else {
                throw OutboundHTTPFailure.responseTooLarge(limit: settings.maximumResponseBytes)
            }
            let allowance = traffic.take(chunk.readableBytes, .received)
            used += allowance.granted
            guard allowance.granted == chunk.readableBytes else { throw OutboundHTTPFailure.quotaExceeded(used: used) }
            body.append(contentsOf: chunk.readableBytesView)
            try await Self.pause(allowance.waitNanoseconds)
        }
        return Response(status: Int(response.status.code), headers: headers, body: body)
    }

    /// The request body in chunks of at most 16 KiB, each taken from the quota and paced before it
    /// goes out.
    private static func pacedChunks(of body: [UInt8], traffic: ExtensionTraffic, used: Int) -> AsyncThrowingStream<ByteBuffer, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                var offset = 0
                var used = used
                while offset < body.count {
                    let end = min(offset + 16 * 1024, body.count)
                    let allowance = traffic.take(end - offset, .sent)
                    used += allowance.granted
                    guard allowance.granted == end - offset else {
                        continuation.finish(throwing: OutboundHTTPFailure.quotaExceeded(used: used))
                        return
                    }
                    do { try await pause(allowance.waitNanoseconds) } catch {
                        continuation.finish(throwing: error)
                        return
                    }
                    continuation.yield(ByteBuffer(bytes: body[offset..<end]))
                    offset = end
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private static func pause(_ nanoseconds: UInt64) async throws {
        if nanoseconds > 0 { try await Task.sleep(nanoseconds: nanoseconds) }
    }

    /// What a library error means for the extension; certificate failures are re-examined to
    /// name the check that failed (``TLSFailureDiagnosis``).
    static func classify(_ error: any Error, request: OutboundHTTPRequest, address: [UInt8], connectTimeout: Duration,
                         deadlineMilliseconds: Int64) async -> OutboundHTTPFailure {
        if let failure = error as? OutboundHTTPFailure { return failure }
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return .certificateRefused(check: .hostname, detail: "the certificate does not name '\(request.host)'")
        }
        let text = String(describing: error)
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            let check = await TLSFailureDiagnosis.check(address: address, port: request.port, serverName: request.host, timeout: connectTimeout)
            return .certificateRefused(check: check.check, detail: check.detail)
        }
        if let client = error as? HTTPClientError {
            if client == .deadlineExceeded { return .deadlineExceeded(milliseconds: deadlineMilliseconds) }
            if client == .connectTimeout { return .connection("no connection to \(request.authority) within the connect timeout") }
            if client == .remoteConnectionClosed { return .connection("\(request.authority) closed the connection before the response was complete") }
        }
        return .connection("\(request.authority): \(text)")
    }
}
