import HyperMeshErrors

/// Why a consensus input is malformed: a typed error with a stable code, a message that says what
/// to fix, and the underlying cause.
///
/// Rejected proofs are not errors: a validator that does not accept a proof answers
/// ``ValidatorVerdict/rejected(reason:)``. `ConsensusError` is for inputs that cannot even be
/// interpreted (undecodable JSON, a plot size that is not a whole number of blocks, parameters out
/// of range).
public struct ConsensusError: HyperMeshError, Hashable {
    /// The stable codes of ``ConsensusError``, each with its category (declared below). Raw values never
    /// change once released; new codes may be added.
    public typealias Code = HyperMeshErrorCode<ConsensusError>

    public let code: Code
    public let message: String
    private let storedCause: HyperMeshErrorCause?

    /// The error that caused this one, when there is one.
    public var underlyingError: (any Error & Sendable)? { storedCause?.error }
    /// The underlying error's description, when there is one.
    public var cause: String? { storedCause?.description }

    public init(_ code: Code, _ message: String, cause: String? = nil) {
        self.code = code
        self.message = message
        self.storedCause = HyperMeshErrorCause(text: cause)
    }
}

extension HyperMeshErrorCode where Domain == ConsensusError {
    /// A ``ConsensusParameters`` value is out of range (see ``ConsensusParameters/problems``).
    public static var invalidParameters: Self { Self("consensus.invalid_parameters", .invalidInput) }
    /// A plot size is not a positive multiple of the plot block size.
    public static var invalidPlotSize: Self { Self("consensus.invalid_plot_size", .invalidInput) }
    /// A plot seed is empty.
    public static var invalidPlotSeed: Self { Self("consensus.invalid_plot_seed", .invalidInput) }
    /// A plot does not match the parameters it is used with (block size or rounds differ).
    public static var plotParameterMismatch: Self { Self("consensus.plot_parameter_mismatch", .invalidInput) }
    /// A proof bundle, operation, ledger or registry could not be decoded from JSON.
    public static var undecodableJSON: Self { Self("consensus.undecodable_json", .invalidInput) }
    /// The stake key could not sign an operation digest.
    public static var signingFailed: Self { Self("consensus.signing_failed", .internal) }
    /// The node's consensus identity file (stake key, plot seed) is not the expected document.
    public static var identityDamaged: Self { Self("consensus.identity_damaged", .invalidInput) }
    /// A value could not be encoded as JSON.
    public static var unencodableJSON: Self { Self("consensus.unencodable_json", .internal) }
}

extension ConsensusError {
    public static var knownCodes: [HyperMeshErrorCode<ConsensusError>] {
        [.invalidParameters, .invalidPlotSize, .invalidPlotSeed, .plotParameterMismatch, .undecodableJSON, .signingFailed, .identityDamaged, .unencodableJSON]
    }
}
