import Foundation
import HyperMeshConsensus
import Testing

@Suite("Consensus parameters")
struct ConsensusParametersTests {
    @Test("the defaults are the documented values")
    func defaults() {
        let defaults = ConsensusParameters()
        #expect(defaults.workDifficultyBits == 12)
        #expect(defaults.timeIterations == 20_000)
        #expect(defaults.maximumTimeIterationFactor == 4)
        #expect(defaults.maximumTimeIterations == 80_000)
        #expect(defaults.maximumClockSkew == 300)
        #expect(defaults.minimumStake == 1)
        #expect(defaults.spaceChallenges == 8)
        #expect(defaults.minimumPlotBytes == 64 * 1024)
        #expect(defaults.plotBlockBytes == 32)
        #expect(defaults.plotBlockRounds == 64)
        #expect(defaults.problems.isEmpty)
    }

    @Test("keys missing from JSON take their defaults")
    func partialJSON() throws {
        let decoded = try JSONDecoder().decode(ConsensusParameters.self, from: Data(#"{"workDifficultyBits": 5, "plotBlockRounds": 2}"#.utf8))
        var expected = ConsensusParameters()
        expected.workDifficultyBits = 5
        expected.plotBlockRounds = 2
        #expect(decoded == expected)
        #expect(try JSONDecoder().decode(ConsensusParameters.self, from: JSONEncoder().encode(ConsensusFixture.parameters)) == ConsensusFixture.parameters)
    }

    @Test("parameters out of range are a typed error for the prover and a rejection for validators")
    func outOfRange() throws {
        var broken = ConsensusFixture.parameters
        broken.plotBlockBytes = 0
        broken.workDifficultyBits = 65
        #expect(broken.problems.count == 2)
        let error = #expect(throws: ConsensusError.self) { try ProvisionedNode.fresh(parameters: broken) }
        #expect(error?.code == .invalidParameters)
        #expect(error?.message.contains("plotBlockBytes") == true)
        let node = try ConsensusFixture.node()
        let operation = ConsensusFixture.operation()
        let proofs = try node.prover.prove(operation)
        let decision = ConsensusEngine.standard(parameters: broken, ledger: node.ledger, plots: node.plots)
            .decide(operation, proofs: proofs, at: ConsensusFixture.now)
        #expect(!decision.isAccepted)
        #expect(decision.rejectedKinds == ProofKind.allCases)
        #expect(decision.summary.contains("parameters are invalid"))
    }
}
