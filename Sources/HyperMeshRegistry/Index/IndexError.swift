import HyperMeshErrors

/// Why a signed extension index is refused or cannot be used. The subject names the index (its
/// name and where it came from).
public struct IndexError: HyperMeshError, Hashable {
    public typealias Code = HyperMeshErrorCode<IndexError>

    public let code: Code
    public let message: String
    public let subject: String?
    private let storedCause: HyperMeshErrorCause?

    public var underlyingError: (any Error & Sendable)? { storedCause?.error }

    public init(_ code: Code, subject: String?, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.subject = subject
        self.message = message
        self.storedCause = cause.map { HyperMeshErrorCause($0) }
    }
}

extension HyperMeshErrorCode where Domain == IndexError {
    /// The document is not a valid index (strict JSON, the schema of `docs/registry.md`).
    public static var malformed: Self { Self("index.malformed", .invalidInput) }
    /// The signature does not verify, or its chain does not lead to the operator's trust store
    /// (the trust error is the cause).
    public static var signatureRefused: Self { Self("index.signature_refused", .integrity) }
    /// The index's version is lower than one this host has accepted: a registry serving an old
    /// index (a rollback attack) or a stale mirror.
    public static var rollback: Self { Self("index.rollback", .integrity) }
    /// Two different documents carry the same version: the publisher's key signed both, or the
    /// cache was altered.
    public static var equivocation: Self { Self("index.equivocation", .integrity) }
    /// The index is past its expiry: whoever serves it may be withholding updates (a freeze).
    public static var expired: Self { Self("index.expired", .forbidden) }
    /// The index has no such extension or version.
    public static var entryUnknown: Self { Self("index.entry_unknown", .notFound) }
    /// An edit that the index does not allow (adding a version that exists with another digest).
    public static var conflict: Self { Self("index.conflict", .conflict) }
    /// The cached index cannot be read or written.
    public static var cacheFailed: Self { Self("index.cache_failed", .internal) }
}

extension IndexError {
    public static var knownCodes: [Code] {
        [.malformed, .signatureRefused, .rollback, .equivocation, .expired, .entryUnknown, .conflict, .cacheFailed]
    }
}
