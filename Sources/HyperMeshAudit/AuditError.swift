import HyperMeshErrors

/// The only error type the audit log throws.
///
/// `code` says what failed (stable strings, safe to match on), `message` says what happened, where
/// (the file path) and how to fix it, and `cause` carries the underlying SQLite or file-system
/// error text when there is one. Two errors are equal when all three are equal.
public struct AuditError: HyperMeshError, Equatable {
    /// The stable codes of ``AuditError``, each with its category (declared below). Raw values never
    /// change once released; new codes may be added.
    public typealias Code = HyperMeshErrorCode<AuditError>

    public let code: Code
    public let message: String
    private let storedCause: HyperMeshErrorCause?

    /// The error that caused this one, when there is one.
    public var underlyingError: (any Error & Sendable)? { storedCause?.error }
    /// The underlying error's description, when there is one.
    public var cause: String? { storedCause?.description }

    public init(code: Code, message: String, cause: String? = nil) {
        self.code = code
        self.message = message
        self.storedCause = HyperMeshErrorCause(text: cause)
    }
}

extension HyperMeshErrorCode where Domain == AuditError {
    /// The log file could not be created, opened or migrated; nothing was written.
    public static var openFailed: Self { Self("audit.open_failed", .unavailable) }
    /// Records could not be committed. Every record of the failed batch is lost; none was
    /// partly written, since each batch is one transaction.
    public static var writeFailed: Self { Self("audit.write_failed", .unavailable) }
    /// Records could not be read, or a stored record could not be decoded.
    public static var readFailed: Self { Self("audit.read_failed", .unavailable) }
    /// The log was closed; it accepts no more calls.
    public static var closed: Self { Self("audit.closed", .unavailable) }
}

extension AuditError {
    public static var knownCodes: [HyperMeshErrorCode<AuditError>] {
        [.openFailed, .writeFailed, .readFailed, .closed]
    }
}
