/// Why a consensus input is malformed: a typed error with a stable code, a message that says what
/// to fix, and the underlying cause.
///
/// Rejected proofs are not errors: a validator that does not accept a proof answers
/// ``ValidatorVerdict/rejected(reason:)``. `ConsensusError` is for inputs that cannot even be
/// interpreted (undecodable JSON, a plot size that is not a whole number of blocks, parameters out
/// of range).
public struct ConsensusError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A ``ConsensusParameters`` value is out of range (see ``ConsensusParameters/problems``).
        case invalidParameters = "consensus.invalid_parameters"
        /// A plot size is not a positive multiple of the plot block size.
        case invalidPlotSize = "consensus.invalid_plot_size"
        /// A plot seed is empty.
        case invalidPlotSeed = "consensus.invalid_plot_seed"
        /// A plot does not match the parameters it is used with (block size or rounds differ).
        case plotParameterMismatch = "consensus.plot_parameter_mismatch"
        /// A proof bundle, operation, ledger or registry could not be decoded from JSON.
        case undecodableJSON = "consensus.undecodable_json"
        /// The stake key could not sign an operation digest.
        case signingFailed = "consensus.signing_failed"
        /// A value could not be encoded as JSON.
        case unencodableJSON = "consensus.unencodable_json"
    }

    public let code: Code
    public let message: String
    /// The underlying error, if any.
    public let cause: String?

    public init(_ code: Code, _ message: String, cause: String? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        var text = "[\(code.rawValue)] \(message)"
        if let cause { text += " (cause: \(cause))" }
        return text
    }
}
