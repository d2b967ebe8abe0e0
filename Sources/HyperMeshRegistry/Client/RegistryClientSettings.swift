/// How a ``RegistryClient`` reaches registries: which may be spoken to over plain HTTP, which extra
/// certificate authorities each one's TLS certificate may chain to, where credentials come from,
/// the size limits and the retry policy.
///
/// Defaults: HTTPS with the system's trust roots for every registry except loopback ones
/// (`localhost`, `127.0.0.0/8`, `::1`), which are reached over plain HTTP unless a CA bundle is
/// configured for them; no credentials (anonymous); manifests up to 4 MiB, blobs up to 2 GiB;
/// 4 retries starting at 200 ms and doubling.
public struct RegistryClientSettings: Sendable {
    /// Registries (`host` or `host:port`) reached over plain HTTP besides loopback ones. Listing a
    /// registry here also allows token realms, redirects and upload locations on it to be `http://`.
    public var insecureRegistries: Set<String> = []
    /// Registries the caller asks to reach over plain HTTP (for example a `--plain-http` flag). It is
    /// honoured only for loopback registries and those in ``insecureRegistries``; for any other the
    /// client refuses with `oci.insecure_refused` before opening a connection.
    public var plainHTTPRequested: Set<String> = []
    /// An extra PEM CA bundle per registry (`host[:port]` → file path), trusted on top of the system
    /// roots for that registry only. A loopback registry with a bundle is reached over HTTPS.
    public var caBundles: [String: String] = [:]
    /// Where credentials come from; nil means anonymous only.
    public var credentials: RegistryCredentialStore? = nil
    /// Credentials given in code per registry (`host:port`), consulted before ``credentials``: the
    /// fleet's peer token for another node's store, which is never written to a file.
    public var fixedCredentials: [String: RegistryCredentials] = [:]
    /// The largest manifest accepted (checked on `Content-Length` and while streaming).
    public var maximumManifestBytes: Int = 4 << 20
    /// The largest blob accepted (a descriptor that says more is refused before any request).
    public var maximumBlobBytes: Int64 = 2 << 30
    /// How many times a request is repeated after a 5xx, a 429 or a dropped connection.
    public var retries: Int = 4
    /// The wait before the first retry; it doubles with each retry. A `Retry-After` header (in
    /// seconds) replaces it, capped by ``maximumRetryAfter``.
    public var initialBackoff: Duration = .milliseconds(200)
    public var maximumRetryAfter: Duration = .seconds(30)
    /// Blobs larger than this are uploaded in chunks (POST, PATCH…, PUT); smaller ones in one PUT.
    public var chunkedUploadThreshold: Int64 = 16 << 20
    /// The size of each PATCH of a chunked upload (held in memory while it is sent).
    public var uploadChunkBytes: Int = 8 << 20
    /// How long a connection may take to open.
    public var connectTimeout: Duration = .seconds(10)
    /// How long a response may stay silent (between two reads) before the request counts as dropped.
    public var readTimeout: Duration = .seconds(60)
    /// The longest one request (headers and whole body) may take.
    public var requestTimeout: Duration = .seconds(3600)

    public init() {}

    /// Whether `host` (without port) is a loopback name or address.
    static func isLoopback(host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare == "localhost" || bare == "::1" { return true }
        let parts = bare.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// The host part of `host[:port]` (IPv6 literals in brackets keep their brackets).
    static func host(of authority: String) -> String {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[...close])
        }
        return authority.split(separator: ":", maxSplits: 1).first.map(String.init) ?? authority
    }

    /// Whether plain HTTP is allowed to `authority` (`host[:port]`).
    func allowsPlainHTTP(_ authority: String) -> Bool {
        let host = Self.host(of: authority)
        return Self.isLoopback(host: host) || insecureRegistries.contains(authority) || insecureRegistries.contains(host)
    }

    /// The scheme a registry is reached with, or `oci.insecure_refused`.
    func scheme(for registry: String) throws(RegistryError) -> String {
        if caBundles[registry] != nil { return "https" }
        if allowsPlainHTTP(registry) {
            return "http"
        }
        if plainHTTPRequested.contains(registry) {
            throw RegistryError(.insecureRefused, subject: "registry \(registry)",
                                "plain HTTP is allowed only to loopback registries and those listed as insecure; add \(registry) to the insecure registries or use HTTPS")
        }
        return "https"
    }
}
