import Foundation

/// Checks proof of work: `SHA-256(digest ‖ u64le(nonce))` must start with at least
/// ``ConsensusParameters/workDifficultyBits`` zero bits, where `digest` is the operation's
/// ``ConsensusOperation/digest``.
///
/// What it proves: someone spent, on average, `2^workDifficultyBits` SHA-256 evaluations on this
/// very operation (the nonce is bound to the digest, so it cannot be reused for another operation).
///
/// What it does NOT prove: who did the work, when, or on what hardware; a lucky prover may find a
/// nonce at once, and anyone with more hashing power proves faster. It is a rate limit, not an
/// identity or an ordering.
///
/// Cost: proving takes about `2^workDifficultyBits` hashes (4 096 at the default); verifying takes one.
public struct WorkValidator: OperationValidator {
    public let parameters: ConsensusParameters

    public init(parameters: ConsensusParameters = ConsensusParameters()) {
        self.parameters = parameters
    }

    public var proof: ProofKind { .work }

    public func validate(_ operation: ConsensusOperation, proofs: ProofBundle, at now: Date) -> ValidatorVerdict {
        if let invalid = parameters.rejectionIfInvalid(for: proof) { return invalid }
        guard let work = proofs.work else {
            return .rejected(reason: "no work proof in the bundle; attach a WorkProof whose nonce makes SHA-256(digest ‖ nonce) start with \(parameters.workDifficultyBits) zero bits (NodeProver.proveWork)")
        }
        let zeroBits = work.leadingZeroBits(for: operation)
        guard zeroBits >= parameters.workDifficultyBits else {
            return .rejected(reason: "work hash for nonce \(work.nonce) has \(zeroBits) leading zero bits but \(parameters.workDifficultyBits) are required; grind a new nonce for this operation's digest")
        }
        return .accepted(detail: "nonce \(work.nonce) gives \(zeroBits) leading zero bits (≥ \(parameters.workDifficultyBits) required)")
    }
}
