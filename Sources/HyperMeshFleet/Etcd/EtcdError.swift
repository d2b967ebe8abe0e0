import HyperMeshErrors

/// Why a call to etcd failed. The subject names the endpoint (or endpoints) that was asked; for
/// ``HyperMeshErrorCode/refused`` errors ``grpcCode`` holds the code etcd answered with.
///
/// Not guaranteed: that a write that failed with `etcd.unavailable` or `etcd.timeout` was not
/// applied (the request may have reached etcd before the connection was lost).
public struct EtcdError: HyperMeshError, Hashable {
    public typealias Code = HyperMeshErrorCode<EtcdError>

    public let code: Code
    public let message: String
    public let subject: String?
    /// The gRPC status code etcd answered with (3 invalid argument, 5 not found, 11 out of range, …),
    /// for errors etcd itself reported; nil otherwise.
    public let grpcCode: Int?
    /// For ``HyperMeshErrorCode/compacted``: the oldest revision etcd still keeps; a new watch or
    /// read must start at or after it.
    public let compactRevision: Int64?
    private let storedCause: HyperMeshErrorCause?

    public var underlyingError: (any Error & Sendable)? { storedCause?.error }

    public init(
        _ code: Code, subject: String?, _ message: String,
        grpcCode: Int? = nil, compactRevision: Int64? = nil, cause: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.subject = subject
        self.message = message
        self.grpcCode = grpcCode
        self.compactRevision = compactRevision
        self.storedCause = cause.map { HyperMeshErrorCause($0) }
    }
}

extension HyperMeshErrorCode where Domain == EtcdError {
    /// No endpoint could be reached: connection refused or reset, or the connection was lost
    /// (also how a watch stream ends when etcd goes away). Retry later; re-list before re-watching.
    public static var unavailable: Self { Self("etcd.unavailable", .unavailable) }
    /// The endpoint did not answer within the request timeout (a stopped or overloaded member).
    public static var timeout: Self { Self("etcd.timeout", .unavailable) }
    /// etcd answered with an error (its gRPC code and message). Declared as invalid input; the
    /// errors the client throws carry the category that fits the gRPC code
    /// (``refused(grpcCode:message:)``) and compare equal to this code.
    public static var refused: Self { Self("etcd.refused", .invalidInput) }
    /// A lease does not exist any more: a keep-alive answered TTL 0, or a put named an unknown lease.
    /// Grant a new lease and write the keys again.
    public static var leaseExpired: Self { Self("etcd.lease_expired", .conflict) }
    /// A watch (or read) asked for a revision etcd has compacted away; ``EtcdError/compactRevision``
    /// says where history starts now. Re-list, then watch from the listed revision + 1.
    public static var compacted: Self { Self("etcd.compacted", .conflict) }
    /// An answer that is not what etcd's JSON gateway sends (not JSON, wrong shape, not HTTP).
    public static var protocolViolation: Self { Self("etcd.protocol_violation", .unavailable) }
    /// An endpoint that is not an `http://host:port` URL.
    public static var endpointInvalid: Self { Self("etcd.endpoint_invalid", .invalidInput) }
}

extension HyperMeshErrorCode where Domain == EtcdError {
    /// `etcd.refused`, with the category that fits `grpcCode` and etcd's message:
    /// invalid argument / out of range / failed precondition → invalid input (a "too large" message
    /// or resource exhausted → too large), not found → not found, already exists / aborted →
    /// conflict, permission denied → forbidden, unauthenticated → unauthenticated, unavailable /
    /// deadline exceeded → unavailable, anything else → internal.
    /// All of them compare equal to ``refused`` (codes compare by raw value).
    public static func refused(grpcCode: Int, message: String) -> Self {
        if message.contains("too large") || grpcCode == 8 { return Self("etcd.refused", .tooLarge) }
        let category: HyperMeshErrorCategory
        switch grpcCode {
        case 3, 9, 11: category = .invalidInput
        case 5: category = .notFound
        case 6, 10: category = .conflict
        case 7: category = .forbidden
        case 16: category = .unauthenticated
        case 4, 14: category = .unavailable
        default: category = .internal
        }
        return Self("etcd.refused", category)
    }
}

extension EtcdError {
    public static var knownCodes: [Code] {
        [.unavailable, .timeout, .refused, .leaseExpired, .compacted, .protocolViolation, .endpointInvalid]
    }
}
