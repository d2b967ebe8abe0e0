/// Why one outbound HTTP exchange failed, as ``OutboundHTTPClient`` reports it. The host function
/// turns each into the status the extension sees (and, for the quota, a violation); ``code`` is
/// the stable name that appears in the message, e.g. `[http.tls_certificate_expired]`.
enum OutboundHTTPFailure: Error, Sendable, Equatable {
    /// The network quota ran out: `used` bytes of this exchange were counted, up to the quota.
    case quotaExceeded(used: Int)
    /// The response body passed the host's size cap.
    case responseTooLarge(limit: Int)
    /// The call's deadline passed before the response was complete.
    case deadlineExceeded(milliseconds: Int64)
    /// The server's certificate was refused; `check` names what failed.
    case certificateRefused(check: TLSCheck, detail: String)
    /// Connecting, sending or receiving failed (refused, reset, a TLS failure other than the
    /// certificate, a malformed response).
    case connection(String)

    /// The certificate checks that can refuse a server.
    enum TLSCheck: String, Sendable {
        /// The chain does not lead to a trusted root (system roots plus the operator's bundle).
        case untrusted = "tls_certificate_untrusted"
        /// The certificate (or one in its chain) is past its notAfter or before its notBefore.
        case expired = "tls_certificate_expired"
        /// The certificate does not name the host the request was made to.
        case hostname = "tls_hostname_mismatch"
    }

    var code: String {
        switch self {
        case .quotaExceeded: "http.network_quota"
        case .responseTooLarge: "http.response_too_large"
        case .deadlineExceeded: "http.deadline_exceeded"
        case .certificateRefused(let check, _): "http.\(check.rawValue)"
        case .connection: "http.connection_failed"
        }
    }
}
