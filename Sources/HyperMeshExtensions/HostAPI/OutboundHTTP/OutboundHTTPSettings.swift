import Foundation
import Tracing

/// How the host's HTTP function (`http_request`) reaches other servers, for every extension of
/// one host. The per-extension limits (allowlist, byte quota, bandwidth, call deadline) come from
/// the manifest and the policy; these are the operator's.
///
/// Certificate verification is always on: there is no setting, per host or per extension, that
/// turns it off.
public struct OutboundHTTPSettings: Sendable {
    /// PEM files of certificate authorities trusted besides the system's roots (an internal CA).
    /// Default none. Read when the host starts; a file that cannot be read stops the host.
    public var additionalCABundles: [URL]
    /// The largest response body one request may bring back, with or without a network quota.
    /// Default 16 MiB. A response past it is cut off (`http.response_too_large`).
    public var maximumResponseBytes: Int
    /// How long connecting (TCP and TLS) may take. Default 5 s; the call's deadline still applies.
    /// A connection that fails (refused, a failed TLS handshake) is not retried: the exchange fails
    /// at once, naming the cause.
    public var connectTimeout: Duration
    /// How many redirects a request that asks to follow them may take. Default 5.
    public var maximumRedirects: Int
    /// The tracer that gets a span for each request and whose context goes out as a W3C
    /// `traceparent` header. Default nil: the process's bootstrapped tracer
    /// (`InstrumentationSystem.tracer`; a no-op one if nothing was bootstrapped).
    public var tracer: (any Tracer)?

    public init(
        additionalCABundles: [URL] = [], maximumResponseBytes: Int = 16 << 20, connectTimeout: Duration = .seconds(5),
        maximumRedirects: Int = 5, tracer: (any Tracer)? = nil
    ) {
        self.additionalCABundles = additionalCABundles
        self.maximumResponseBytes = maximumResponseBytes
        self.connectTimeout = connectTimeout
        self.maximumRedirects = maximumRedirects
        self.tracer = tracer
    }
}
