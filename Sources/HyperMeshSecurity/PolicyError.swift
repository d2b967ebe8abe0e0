import HyperMeshErrors

/// Why the policy file cannot be used: a stable code, what is wrong and where (a JSON path such as
/// `extensions.org.example.tool.allow[1]`), and the underlying cause. A host refuses to start on a
/// policy it cannot read rather than run with a policy the operator did not write.
public struct PolicyError: HyperMeshError, Equatable {
    /// The stable codes of ``PolicyError``, each with its category (declared below). Raw values never
    /// change once released; new codes may be added.
    public typealias Code = HyperMeshErrorCode<PolicyError>

    public let code: Code
    public let message: String
    public let path: String?
    private let storedCause: HyperMeshErrorCause?

    /// The error that caused this one, when there is one.
    public var underlyingError: (any Error & Sendable)? { storedCause?.error }
    /// The underlying error's description, when there is one.
    public var cause: String? { storedCause?.description }
    /// The JSON path of the offending value, when there is one.
    public var subject: String? { path }

    public init(_ code: Code, _ message: String, at path: String? = nil, cause: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.storedCause = HyperMeshErrorCause(text: cause)
    }

    /// An error caused by `cause`, which stays in the chain with its own description.
    public init(_ code: Code, _ message: String, at path: String? = nil, cause: any Error & Sendable) {
        self.code = code
        self.message = message
        self.path = path
        self.storedCause = HyperMeshErrorCause(cause)
    }
}

extension HyperMeshErrorCode where Domain == PolicyError {
    /// The file exists but cannot be read or written.
    public static var unreadable: Self { Self("policy.unreadable", .invalidInput) }
    /// The bytes are not JSON, or a value has the wrong type.
    public static var invalidJSON: Self { Self("policy.invalid_json", .invalidInput) }
    /// The same key appears twice in one object (the parser refuses rather than keep either).
    public static var duplicateKey: Self { Self("policy.duplicate_key", .invalidInput) }
    /// A key the policy format does not define (often a typo).
    public static var unknownKey: Self { Self("policy.unknown_key", .invalidInput) }
    /// A value breaks its rule: an unknown capability, a negative threshold, a bad action.
    public static var badValue: Self { Self("policy.bad_value", .invalidInput) }
}

extension PolicyError {
    public static var knownCodes: [HyperMeshErrorCode<PolicyError>] {
        [.unreadable, .invalidJSON, .duplicateKey, .unknownKey, .badValue]
    }
}
