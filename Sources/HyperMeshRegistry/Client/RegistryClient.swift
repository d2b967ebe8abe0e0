import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization

/// A verifying client of the OCI distribution API (`/v2/`), on AsyncHTTPClient.
///
/// - Every manifest is checked against its size limit, its `Content-Type`, the digest it was asked
///   by and `Docker-Content-Digest`; every blob is streamed through SHA-256 into a temporary file
///   and renamed into place only when size and digest match its descriptor.
/// - Requests go out anonymously first. A 401 is answered per its `WWW-Authenticate` challenge:
///   `Basic` with the stored credentials, or `Bearer` with a token from the challenge's realm
///   (fetched with the credentials when there are any), cached per registry and scope until
///   `expires_in` (60 s when the realm does not say). Credentials go only to the registry and to
///   the token realm it names; a redirect to another host (blob storage) drops `Authorization`.
/// - Plain HTTP only to loopback registries and those the operator lists as insecure, for the
///   registry itself, its token realm, its redirects and its upload locations alike.
/// - 429, 5xx and dropped connections are retried ``RegistryClientSettings/retries`` times with a
///   doubling backoff (or the `Retry-After` asked, capped); a dropped blob download resumes with
///   `Range` from the bytes already written.
///
/// One `HTTPClient` serves all requests of a client (connections are pooled per host and TLS
/// configuration); call ``shutdown()`` when done. All I/O is asynchronous: nothing here blocks the
/// cooperative pool (files are written on NIO's thread pool, see `BlobFileIO`).
///
/// Not guaranteed: a registry's token realm receives the credentials for that registry even when it
/// is on another host (that is the Bearer protocol); a host name that resolves to loopback is not
/// treated as loopback (only `localhost` and literal addresses are).
public final class RegistryClient: Sendable {
    public let settings: RegistryClientSettings
    let logger: Logger
    let http: HTTPClient
    /// The TLS configuration per registry that has its own CA bundle, or why the bundle is unusable.
    let tlsByRegistry: [String: Result<TLSConfiguration, RegistryError>]
    let state = Mutex(ClientState())

    struct ClientState: Sendable {
        var requestCount = 0
        /// Bearer tokens per registry and scope, with the instant they expire.
        var tokens: [TokenKey: (token: String, expires: ContinuousClock.Instant)] = [:]
        /// Registries that asked for Basic credentials: they are sent from the first request on.
        var basicRegistries: Set<String> = []
        /// Credentials per registry, read once (nil inside: the store has none).
        var credentials: [String: RegistryCredentials?] = [:]
    }

    struct TokenKey: Hashable, Sendable {
        let registry: String
        let scope: String
    }

    public init(settings: RegistryClientSettings = .init(), logger: Logger? = nil) {
        self.settings = settings
        self.logger = logger ?? Logger(label: "hypermesh.registry", factory: { _ in SwiftLogNoOpLogHandler() })
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        var perRegistry: [String: Result<TLSConfiguration, RegistryError>] = [:]
        for (registry, bundle) in settings.caBundles {
            do {
                var withBundle = tls
                withBundle.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(bundle))]
                perRegistry[registry] = .success(withBundle)
            } catch {
                perRegistry[registry] = .failure(RegistryError(.fileFailed, subject: "registry \(registry)",
                                                               "cannot read the CA bundle \(bundle)", cause: "\(error)"))
            }
        }
        tlsByRegistry = perRegistry
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow,
            timeout: .init(connect: Self.timeAmount(settings.connectTimeout), read: Self.timeAmount(settings.readTimeout)),
            decompression: .disabled)
        // A refused connection or a failed handshake fails the request at once; the client's own
        // bounded retries (with their backoff) decide what happens next, not the pool's.
        configuration.connectionPool.retryConnectionEstablishment = false
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Closes the connections. The client cannot be used afterwards.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    /// Requests sent so far (each HTTP request, retries, token requests and redirects included).
    public var requestCount: Int { state.withLock { $0.requestCount } }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(Int64(clamping: seconds) &* 1_000_000_000 &+ attoseconds / 1_000_000_000)
    }

    // MARK: Requests

    /// One request of the distribution API, re-sendable (for retries and after a 401).
    struct Call: Sendable {
        var method: HTTPMethod
        var url: String
        var headers: HTTPHeaders = [:]
        var body: ByteBuffer? = nil
        /// The registry (`host[:port]`) the call is for.
        var registry: String
        /// The token scope, e.g. `repository:hypermesh/hello:pull`.
        var scope: String
        /// What an error names: registry, repository, and the digest or tag.
        var subject: String
        /// Statuses answered to the caller instead of being turned into errors (besides 2xx).
        var accepting: Set<UInt> = []
        /// False for token requests: their headers are set by the caller and a 401 is final.
        var authenticate = true
    }

    /// The URL of the reference's repository in its registry's API
    /// (`http(s)://registry/v2/repository/`), or `oci.insecure_refused` naming both.
    func apiBase(_ reference: OCIReference) throws(RegistryError) -> String {
        do {
            return "\(try settings.scheme(for: reference.registry))://\(reference.registry)/v2/\(reference.repository)/"
        } catch {
            throw RegistryError(error.code, subject: reference.repositoryPath, error.message)
        }
    }

    /// Sends `call`: authenticates on 401, retries 429/5xx/connection failures, follows redirects
    /// (GET and HEAD only); answers a 2xx or an accepted status, else throws the mapped error.
    /// `credentialsSent` is for the messages of token requests (whose headers the caller set).
    func send(_ call: Call, credentialsSent: Bool = false) async throws(RegistryError) -> HTTPClientResponse {
        var failures = 0
        var fetchedToken = false
        var redirects = 0
        var authentications = 0
        var currentURL = call.url
        while true {
            try checkScheme(of: currentURL, call: call)
            let authority = Self.authority(of: currentURL)
            var request = HTTPClientRequest(url: currentURL)
            request.method = call.method
            request.headers = call.headers
            var sent: AuthenticationAttempt = .none
            if authority == call.registry, let authorization = authorization(for: call) {
                request.headers.replaceOrAdd(name: "Authorization", value: authorization)
                sent = authorization.hasPrefix("Bearer ") ? .bearer : .basic
            } else if authority != call.registry {
                // Credentials never go to another host (a blob store a redirect points at).
                request.headers.remove(name: "Authorization")
            }
            if let body = call.body {
                request.body = .bytes(body)
            } else if call.method == .PUT || call.method == .POST || call.method == .PATCH {
                request.body = .bytes(ByteBuffer())
            }
            switch tlsByRegistry[authority] {
            case .success(let tls)?: request.tlsConfiguration = tls
            case .failure(let error)?: throw error
            case nil: break
            }
            let response: HTTPClientResponse
            do {
                state.withLock { $0.requestCount += 1 }
                response = try await http.execute(request, timeout: Self.timeAmount(settings.requestTimeout), logger: logger)
            } catch {
                if error is CancellationError || Task.isCancelled { throw Self.cancelled(call) }
                failures += 1
                guard failures <= settings.retries else {
                    throw RegistryError(.unavailable, subject: call.subject,
                                        "cannot reach \(authority) (\(failures) attempts)", cause: "\(error)")
                }
                logger.debug("registry request failed, retrying", metadata: ["url": "\(currentURL)", "error": "\(error)"])
                try await backoff(failures, retryAfter: nil, call: call)
                continue
            }
            let status = response.status.code
            switch status {
            case 200..<300:
                return response
            case _ where call.accepting.contains(status):
                return response
            case 301, 302, 303, 307, 308:
                guard call.method == .GET || call.method == .HEAD,
                      let location = response.headers.first(name: "Location"),
                      let next = Self.resolve(location, against: currentURL) else {
                    throw RegistryError(.protocolViolation, subject: call.subject, "\(authority) answered \(status) without a usable Location")
                }
                redirects += 1
                guard redirects <= 5 else {
                    throw RegistryError(.protocolViolation, subject: call.subject, "more than 5 redirects from \(call.registry)")
                }
                currentURL = next
                continue
            case 401 where !call.authenticate:
                throw RegistryError(.unauthorized, subject: call.subject,
                                    "the token service \(authority) refused " + (credentialsSent ? "the credentials sent" : "an anonymous request (no credentials were sent)"))
            case 401:
                let challenges = response.headers["WWW-Authenticate"].flatMap(RegistryAuthChallenge.parse)
                _ = try? await response.body.collect(upTo: 64 << 10)
                // Anonymous, then credentials or a token, then (a token expired meanwhile) a fresh one: no more.
                authentications += 1
                guard authentications <= 3 else {
                    throw RegistryError(.unauthorized, subject: call.subject, "\(authority) kept answering 401 after \(authentications - 1) authentications")
                }
                let answered = try await authenticate(call, challenges: challenges, sent: sent, fetchedToken: fetchedToken)
                if answered == .bearer { fetchedToken = true }
                currentURL = call.url
                continue
            case 429, 500..<600:
                failures += 1
                let retryAfter = response.headers.first(name: "Retry-After").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                let body = try? await response.body.collect(upTo: 64 << 10)
                guard failures <= settings.retries else {
                    if status == 429 {
                        throw RegistryError(.rateLimited, subject: call.subject,
                                            "\(authority) still answers 429 Too Many Requests after \(settings.retries) retries")
                    }
                    throw RegistryError(.unavailable, subject: call.subject,
                                        "\(authority) answered \(status) \(Self.describeErrors(body)) after \(settings.retries) retries")
                }
                try await backoff(failures, retryAfter: retryAfter, call: call)
                continue
            default:
                let body = try? await response.body.collect(upTo: 64 << 10)
                throw Self.mapFailure(status: status, body: body, call: call)
            }
        }
    }

    static func cancelled(_ call: Call) -> RegistryError {
        RegistryError(.unavailable, subject: call.subject, "the request to \(call.registry) was cancelled")
    }

    /// Waits before retry number `failures`: `Retry-After` seconds when given (capped), else the
    /// initial backoff doubled per earlier retry.
    func backoff(_ failures: Int, retryAfter: Int?, call: Call) async throws(RegistryError) {
        let wait: Duration
        if let retryAfter, retryAfter >= 0 {
            wait = min(.seconds(retryAfter), settings.maximumRetryAfter)
        } else {
            wait = settings.initialBackoff * (1 << min(failures - 1, 20))
        }
        do { try await Task.sleep(for: wait) } catch { throw Self.cancelled(call) }
    }

    /// Refuses plain HTTP to a host that is neither loopback nor listed as insecure.
    func checkScheme(of url: String, call: Call) throws(RegistryError) {
        guard url.lowercased().hasPrefix("http://") else { return }
        let authority = Self.authority(of: url)
        guard settings.allowsPlainHTTP(authority) else {
            throw RegistryError(.insecureRefused, subject: call.subject,
                                "refusing plain HTTP to \(authority): only loopback registries and those listed as insecure may be reached without TLS")
        }
    }

    /// `host[:port]` of an absolute URL.
    package static func authority(of url: String) -> String {
        var rest = Substring(url)
        if let range = rest.range(of: "://") { rest = rest[range.upperBound...] }
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        return String(rest)
    }

    /// `location` (absolute, or relative as distribution writes with `relativeurls`) against `base`;
    /// nil when it is not a URL or leads to a scheme other than http(s) (`file:`, `ftp:`, a typo):
    /// such a redirect is not followed.
    package static func resolve(_ location: String, against base: String) -> String? {
        func isHTTP(_ url: String) -> Bool {
            let lowered = url.lowercased()
            return lowered.hasPrefix("http://") || lowered.hasPrefix("https://")
        }
        if isHTTP(location) { return location }
        guard let baseURL = URL(string: base), let resolved = URL(string: location, relativeTo: baseURL),
              isHTTP(resolved.absoluteString) else { return nil }
        return resolved.absoluteString
    }

    /// The OCI error codes and messages of an error body (`{"errors":[{"code":…,"message":…}]}`).
    package static func errorCodes(_ body: ByteBuffer?) -> [(code: String, message: String)] {
        struct Document: Decodable {
            struct Entry: Decodable { var code: String?; var message: String? }
            var errors: [Entry]?
        }
        guard let body, let document = try? JSONDecoder().decode(Document.self, from: Data(body.readableBytesView)) else { return [] }
        return (document.errors ?? []).map { ($0.code ?? "", $0.message ?? "") }
    }

    package static func describeErrors(_ body: ByteBuffer?) -> String {
        let codes = errorCodes(body)
        return codes.isEmpty ? "" : "(" + codes.map { $0.message.isEmpty ? $0.code : "\($0.code): \($0.message)" }.joined(separator: "; ") + ")"
    }

    /// The typed error for a final status.
    static func mapFailure(status: UInt, body: ByteBuffer?, call: Call) -> RegistryError {
        let codes = errorCodes(body).map(\.code)
        let detail = describeErrors(body)
        if status == 404 || codes.contains(where: { ["MANIFEST_UNKNOWN", "BLOB_UNKNOWN", "NAME_UNKNOWN", "BLOB_UPLOAD_UNKNOWN"].contains($0) }) {
            return RegistryError(.notFound, subject: call.subject, "the registry \(call.registry) has no such content \(detail)")
        }
        if codes.contains("DIGEST_INVALID") {
            return RegistryError(.digestMismatch, subject: call.subject, "the registry \(call.registry) refused the digest \(detail)")
        }
        if codes.contains("SIZE_INVALID") {
            return RegistryError(.sizeMismatch, subject: call.subject, "the registry \(call.registry) refused the size \(detail)")
        }
        switch status {
        case 403:
            return RegistryError(.denied, subject: call.subject, "the registry \(call.registry) denied \(call.method.rawValue) \(detail)")
        case 413:
            return RegistryError(.tooLarge, subject: call.subject, "the registry \(call.registry) refused the size \(detail)")
        default:
            return RegistryError(.protocolViolation, subject: call.subject,
                                 "the registry \(call.registry) answered \(status) to \(call.method.rawValue) \(detail)")
        }
    }
}
