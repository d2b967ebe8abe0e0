import Foundation
import HyperMeshConsensus
import Testing

@Suite("The consensus engine")
struct ConsensusEngineTests {
    @Test("one rejected proof rejects the whole operation, and every validator still runs")
    func oneRejectionRejectsTheWhole() throws {
        let node = try ConsensusFixture.node()
        let operation = ConsensusFixture.operation()
        var proofs = try node.prover.prove(operation)
        let honestTime = try #require(proofs.time)
        proofs.time = TimeProof(iterations: honestTime.iterations, output: ConsensusFixture.flipping(honestTime.output))
        let decision = node.engine().decide(operation, proofs: proofs, at: ConsensusFixture.now)
        #expect(!decision.isAccepted)
        #expect(decision.rejectedKinds == [.time])
        #expect(decision.verdicts.count == 4)
        #expect(decision.verdicts[.space]?.isAccepted == true)
        #expect(decision.verdicts[.stake]?.isAccepted == true)
        #expect(decision.verdicts[.work]?.isAccepted == true)
        #expect(decision.summary.hasPrefix("rejected: time: "))
    }

    @Test("several rejections are all named in the summary")
    func severalRejections() throws {
        let node = try ConsensusFixture.node()
        let operation = ConsensusFixture.operation()
        let proofs = try node.prover.prove(ConsensusFixture.operation("another install"))
        let decision = node.engine().decide(operation, proofs: proofs, at: ConsensusFixture.now)
        #expect(!decision.isAccepted)
        #expect(decision.rejectedKinds.contains(.stake))
        #expect(decision.rejectedKinds.contains(.time))
        #expect(decision.summary.contains("stake: "))
        #expect(decision.summary.contains("time: "))
    }

    @Test("a missing proof is rejected by name", arguments: ProofKind.allCases)
    func missingProof(kind: ProofKind) throws {
        let node = try ConsensusFixture.node()
        let operation = ConsensusFixture.operation()
        var proofs = try node.prover.prove(operation)
        switch kind {
        case .space: proofs.space = nil
        case .stake: proofs.stake = nil
        case .work: proofs.work = nil
        case .time: proofs.time = nil
        }
        let decision = node.engine().decide(operation, proofs: proofs, at: ConsensusFixture.now)
        #expect(!decision.isAccepted)
        #expect(decision.rejectedKinds == [kind])
        #expect(decision.summary.contains("\(kind): no \(kind) proof in the bundle"))
    }

    @Test("an engine without one of the four kinds never accepts", arguments: ProofKind.allCases)
    func incompleteEngineNeverAccepts(missing: ProofKind) throws {
        let node = try ConsensusFixture.node()
        let operation = ConsensusFixture.operation()
        let proofs = try node.prover.prove(operation)
        let standard = node.engine()
        let incomplete = ConsensusEngine(validators: standard.validators.filter { $0.proof != missing })
        let decision = incomplete.decide(operation, proofs: proofs, at: ConsensusFixture.now)
        #expect(!decision.isAccepted)
        #expect(decision.rejectedKinds.isEmpty)
        #expect(decision.missingKinds == [missing])
        #expect(decision.summary.contains("no \(missing) validator"))
    }

    @Test("an engine without validators never accepts")
    func emptyEngine() throws {
        let node = try ConsensusFixture.node()
        let operation = ConsensusFixture.operation()
        let decision = ConsensusEngine(validators: []).decide(operation, proofs: try node.prover.prove(operation), at: ConsensusFixture.now)
        #expect(!decision.isAccepted)
        #expect(decision.missingKinds == ProofKind.allCases)
    }

    @Test("two validators of one kind must both accept")
    func duplicateKindsMerge() throws {
        let node = try ConsensusFixture.node()
        let operation = ConsensusFixture.operation()
        let proofs = try node.prover.prove(operation)
        let achieved = try #require(proofs.work).leadingZeroBits(for: operation)
        var stricter = ConsensusFixture.parameters
        stricter.workDifficultyBits = achieved + 1
        let engine = ConsensusEngine(validators: node.engine().validators + [WorkValidator(parameters: stricter)])
        let decision = engine.decide(operation, proofs: proofs, at: ConsensusFixture.now)
        #expect(!decision.isAccepted)
        #expect(decision.rejectedKinds == [.work])
    }
}
