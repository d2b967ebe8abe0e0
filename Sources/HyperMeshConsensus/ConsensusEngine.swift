import Foundation

/// Decides whether an operation is applied: every validator runs, and the operation is accepted
/// only when space, stake, work and time are all checked and all accept.
///
/// An engine without a validator for one of the four kinds never accepts anything (its decisions
/// name the missing kind). Validators run one after another on the calling task; a rejection does
/// not skip the others, so a decision always reports every problem at once.
///
/// NOT guaranteed: that the same operation is not submitted twice (deduplicate by
/// ``ConsensusOperation/digest`` before applying), or agreement with other nodes: in this embedded,
/// single-node setting the engine is the node's own validator chain.
public struct ConsensusEngine: Sendable {
    public let validators: [any OperationValidator]

    public init(validators: [any OperationValidator]) {
        self.validators = validators
    }

    /// The four standard validators over the same parameters, ledger and plot registry.
    public static func standard(
        parameters: ConsensusParameters = ConsensusParameters(), ledger: StakeLedger, plots: PlotRegistry
    ) -> ConsensusEngine {
        ConsensusEngine(validators: [
            SpaceValidator(registry: plots, parameters: parameters),
            StakeValidator(ledger: ledger, parameters: parameters),
            WorkValidator(parameters: parameters),
            TimeValidator(parameters: parameters),
        ])
    }

    /// Runs every validator on `operation` with `proofs`, judging freshness against `now`.
    public func decide(_ operation: ConsensusOperation, proofs: ProofBundle, at now: Date = Date()) -> ConsensusDecision {
        var verdicts: [ProofKind: ValidatorVerdict] = [:]
        for validator in validators {
            let verdict = validator.validate(operation, proofs: proofs, at: now)
            verdicts[validator.proof] = Self.merge(verdicts[validator.proof], verdict)
        }
        return ConsensusDecision(verdicts: verdicts)
    }

    /// Two verdicts for the same kind: accepted only if both accept; rejections keep every reason.
    private static func merge(_ earlier: ValidatorVerdict?, _ later: ValidatorVerdict) -> ValidatorVerdict {
        guard let earlier else { return later }
        switch (earlier, later) {
        case (.accepted(let first), .accepted(let second)):
            return .accepted(detail: first + "; " + second)
        case (.rejected, .accepted):
            return earlier
        case (.accepted, .rejected):
            return later
        case (.rejected(let first), .rejected(let second)):
            return .rejected(reason: first + "; " + second)
        }
    }
}
