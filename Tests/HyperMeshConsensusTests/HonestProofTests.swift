import Foundation
import HyperMeshConsensus
import Testing

@Suite("The node's own proofs")
struct HonestProofTests {
    @Test("every validator accepts the prover's bundle")
    func everyValidatorAccepts() throws {
        let node = try ConsensusFixture.node()
        let operation = ConsensusFixture.operation()
        let proofs = try node.prover.prove(operation)
        let parameters = ConsensusFixture.parameters
        let validators: [any OperationValidator] = [
            SpaceValidator(registry: node.plots, parameters: parameters),
            StakeValidator(ledger: node.ledger, parameters: parameters),
            WorkValidator(parameters: parameters),
            TimeValidator(parameters: parameters),
        ]
        #expect(Set(validators.map(\.proof)) == Set(ProofKind.allCases))
        for validator in validators {
            let verdict = validator.validate(operation, proofs: proofs, at: ConsensusFixture.now)
            #expect(verdict.isAccepted, "\(validator.proof): \(verdict)")
        }
    }

    @Test("the standard engine accepts the prover's bundle for several operations")
    func engineAccepts() throws {
        let node = try ConsensusFixture.node()
        let engine = node.engine()
        for payload in ["a", "b", "swift-crypto 4.0.0", ""] {
            let operation = ConsensusFixture.operation(payload)
            let decision = engine.decide(operation, proofs: try node.prover.prove(operation), at: ConsensusFixture.now)
            #expect(decision.isAccepted, "\(decision.summary)")
            #expect(decision.rejectedKinds.isEmpty)
            #expect(decision.missingKinds.isEmpty)
            #expect(decision.summary == "accepted (space, stake, work, time)")
        }
    }

    @Test("the proofs meet the parameters they were made for")
    func proofsMatchParameters() throws {
        let node = try ConsensusFixture.node()
        let operation = ConsensusFixture.operation()
        let proofs = try node.prover.prove(operation)
        #expect(proofs.presentKinds == ProofKind.allCases)
        #expect(proofs.time?.iterations == ConsensusFixture.parameters.timeIterations)
        #expect(proofs.space?.openings.count == ConsensusFixture.parameters.spaceChallenges)
        #expect(proofs.stake?.publicKey == node.prover.publicKey)
        #expect((proofs.work?.leadingZeroBits(for: operation) ?? 0) >= ConsensusFixture.parameters.workDifficultyBits)
    }

    @Test("a node with the default parameters proves and is accepted")
    func defaultParameters() throws {
        let node = try ProvisionedNode.fresh()
        #expect(node.prover.plot.sizeInBytes == 64 * 1024)
        let operation = ConsensusFixture.operation(at: ConsensusFixture.now)
        let decision = node.engine().decide(operation, proofs: try node.prover.prove(operation), at: ConsensusFixture.now)
        #expect(decision.isAccepted, "\(decision.summary)")
    }
}
