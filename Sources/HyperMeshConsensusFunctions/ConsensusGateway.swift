/// What the host's `consensus_submit` function asks: decide one operation. The node's
/// implementation (``NodeConsensus``) proves it and runs the four validators; a host without
/// consensus has none, and the function answers UNAVAILABLE.
public protocol ConsensusGateway: Sendable {
    func decide(kind: String, submitter: String, payload: [UInt8]) -> ConsensusOutcome
}

/// A decision: accepted only if every validator accepted; `verdicts` says, per proof, what each
/// validator found.
public struct ConsensusOutcome: Sendable, Equatable {
    public let accepted: Bool
    /// Proof name (`space`, `stake`, `work`, `time`) → "accepted: …" or "rejected: …".
    public let verdicts: [String: String]

    public init(accepted: Bool, verdicts: [String: String]) {
        self.accepted = accepted
        self.verdicts = verdicts
    }
}
