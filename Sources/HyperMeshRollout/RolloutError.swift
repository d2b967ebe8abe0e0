import HyperMeshErrors

/// Why a rollout document, an operator action or a fleet simulation is refused. The subject names
/// the rollout (its id) when there is one.
public struct RolloutError: HyperMeshError, Hashable {
    public typealias Code = HyperMeshErrorCode<RolloutError>

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

extension HyperMeshErrorCode where Domain == RolloutError {
    /// The wave shares are not ascending percentages in (0, 100] ending with 100 (`1%,10%,50%,100%`).
    public static var wavesInvalid: Self { Self("rollout.waves_invalid", .invalidInput) }
    /// A rollout record is malformed or breaks a rule (an empty id, a digest that is not
    /// `sha256:<64 hex>`, a reference not pinned by that digest, a wave index out of range, a gate
    /// out of bounds).
    public static var recordInvalid: Self { Self("rollout.record_invalid", .invalidInput) }
    /// A fleet simulation configuration is out of bounds (no nodes, a zero bandwidth, a fraction
    /// outside [0, 1], a failure window that ends before it starts).
    public static var simulationInvalid: Self { Self("rollout.simulation_invalid", .invalidInput) }
    /// The operator action needs a rollout in progress, and this one is complete, rolled back or aborted.
    public static var alreadyFinal: Self { Self("rollout.already_final", .conflict) }
    /// `pause` of a rollout that is already paused.
    public static var alreadyPaused: Self { Self("rollout.already_paused", .conflict) }
    /// `resume` of a rollout that is not paused.
    public static var notPaused: Self { Self("rollout.not_paused", .conflict) }
}

extension RolloutError {
    public static var knownCodes: [Code] {
        [.wavesInvalid, .recordInvalid, .simulationInvalid, .alreadyFinal, .alreadyPaused, .notPaused]
    }
}
