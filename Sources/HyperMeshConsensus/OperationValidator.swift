import Foundation

/// Checks one kind of proof for an operation, knowing only public data (the stake ledger, the
/// registered plot commitments, the parameters): exactly what a remote peer could check.
///
/// Implementations must be pure and total: the same operation, proofs and `now` always give the
/// same verdict, and a forged, truncated or oversized proof gives a rejection, never a crash or an
/// unbounded amount of work.
public protocol OperationValidator: Sendable {
    /// The kind of proof this validator checks.
    var proof: ProofKind { get }

    /// Accepts the operation if its proof of ``proof``'s kind in `proofs` holds at `now`.
    func validate(_ operation: ConsensusOperation, proofs: ProofBundle, at now: Date) -> ValidatorVerdict
}
