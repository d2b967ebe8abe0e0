import HyperMeshErrors

/// A failure of the host's state store: a stable code, a message, and the underlying cause.
public struct StateError: HyperMeshError, Equatable {
    /// The stable codes of ``StateError``, each with its category (declared below). Raw values never
    /// change once released; new codes may be added.
    public typealias Code = HyperMeshErrorCode<StateError>

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

extension HyperMeshErrorCode where Domain == StateError {
    /// The database could not be opened or written.
    public static var unavailable: Self { Self("state.unavailable", .unavailable) }
    /// A key is empty, too long, or not valid UTF-8.
    public static var invalidKey: Self { Self("state.invalid_key", .invalidInput) }
    /// A write batch is malformed.
    public static var invalidBatch: Self { Self("state.invalid_batch", .invalidInput) }
    /// A write would pass the extension's storage quota; nothing was written.
    public static var quotaExceeded: Self { Self("state.quota_exceeded", .forbidden) }
}

extension StateError {
    public static var knownCodes: [HyperMeshErrorCode<StateError>] {
        [.unavailable, .invalidKey, .invalidBatch, .quotaExceeded]
    }
}
