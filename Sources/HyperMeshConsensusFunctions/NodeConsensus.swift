import Foundation
import HyperMeshConsensus

/// The host's consensus service: for each operation an extension submits, this node proves it
/// (space, stake, work, time: ``NodeProver``) and the four validators check the proofs knowing only
/// the public ledger, plot registry and parameters (``ConsensusEngine``). The operation may be
/// applied only if all four accept.
///
/// In a single node the prover and the validators are the same process: the checks are real (a
/// forged or stale proof is rejected), but the ledger and plot registry are this node's own, not
/// agreed with peers. See `docs/security.md`.
public struct NodeConsensus: ConsensusGateway {
    public let prover: NodeProver
    public let engine: ConsensusEngine

    public init(prover: NodeProver, engine: ConsensusEngine) {
        self.prover = prover
        self.engine = engine
    }

    /// A node provisioned with its own ledger and plot registry (development hosts and tests).
    public init(node: ProvisionedNode) {
        self.init(prover: node.prover, engine: node.engine())
    }

    public func decide(kind: String, submitter: String, payload: [UInt8]) -> ConsensusOutcome {
        let operation = ConsensusOperation(kind: kind, submitter: submitter, payload: payload)
        let proofs: ProofBundle
        do {
            proofs = try prover.prove(operation)
        } catch {
            return ConsensusOutcome(accepted: false, verdicts: ["prover": "rejected: the node could not prove the operation: \(error)"])
        }
        let decision = engine.decide(operation, proofs: proofs)
        var verdicts: [String: String] = [:]
        for (kind, verdict) in decision.verdicts { verdicts[kind.rawValue] = verdict.description }
        for missing in decision.missingKinds { verdicts[missing.rawValue] = "rejected: no validator for this proof" }
        return ConsensusOutcome(accepted: decision.isAccepted, verdicts: verdicts)
    }
}
