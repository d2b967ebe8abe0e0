import Foundation
import HyperMeshConsensus
import Testing

@Suite("Proof of time")
struct TimeValidatorTests {
    let validator = TimeValidator(parameters: ConsensusFixture.parameters)
    let required = ConsensusFixture.parameters.timeIterations
    let skew = ConsensusFixture.parameters.maximumClockSkew

    private func chain(_ operation: ConsensusOperation, iterations: UInt64) -> TimeProof {
        TimeProof(iterations: iterations, output: TimeProof.chainOutput(operationDigest: operation.digest, iterations: iterations))
    }

    private func verdict(_ operation: ConsensusOperation, _ proof: TimeProof) -> ValidatorVerdict {
        validator.validate(operation, proofs: ProofBundle(time: proof), at: ConsensusFixture.now)
    }

    @Test("a wrong output is rejected")
    func wrongOutput() {
        let operation = ConsensusFixture.operation()
        let honest = chain(operation, iterations: required)
        #expect(verdict(operation, honest).isAccepted)
        let forged = TimeProof(iterations: required, output: ConsensusFixture.flipping(honest.output, at: 31))
        expectRejection(verdict(operation, forged), containing: "does not equal SHA-256 applied")
    }

    @Test("a chain from another operation's digest is rejected")
    func chainOfAnotherOperation() {
        let operation = ConsensusFixture.operation()
        let borrowed = chain(ConsensusFixture.operation("other"), iterations: required)
        expectRejection(verdict(operation, borrowed), containing: "does not equal SHA-256 applied")
    }

    @Test("too few iterations are rejected even with the matching output")
    func tooFewIterations() {
        let operation = ConsensusFixture.operation()
        expectRejection(verdict(operation, chain(operation, iterations: required - 1)), containing: "at least \(required)")
    }

    @Test("longer chains are accepted up to the ceiling and rejected above it")
    func iterationCeiling() {
        let operation = ConsensusFixture.operation()
        #expect(verdict(operation, chain(operation, iterations: required + 1)).isAccepted)
        let ceiling = ConsensusFixture.parameters.maximumTimeIterations
        let claimed = TimeProof(iterations: ceiling + 1, output: [UInt8](repeating: 0, count: 32))
        expectRejection(verdict(operation, claimed), containing: "more than the \(ceiling)")
    }

    @Test("an output that is not 32 bytes is rejected")
    func truncatedOutput() {
        let operation = ConsensusFixture.operation()
        let honest = chain(operation, iterations: required)
        expectRejection(verdict(operation, TimeProof(iterations: required, output: Array(honest.output.prefix(16)))), containing: "16 bytes")
    }

    @Test("a stale timestamp is rejected although the chain is right")
    func staleTimestamp() {
        let operation = ConsensusFixture.operation(at: ConsensusFixture.now.addingTimeInterval(-skew - 1))
        expectRejection(verdict(operation, chain(operation, iterations: required)), containing: "stale")
    }

    @Test("a timestamp in the future is rejected although the chain is right")
    func futureTimestamp() {
        let operation = ConsensusFixture.operation(at: ConsensusFixture.now.addingTimeInterval(skew + 1))
        expectRejection(verdict(operation, chain(operation, iterations: required)), containing: "in the future")
    }

    @Test("timestamps exactly at the skew limit are accepted", arguments: [-1.0, 1.0])
    func skewBoundary(direction: Double) {
        let operation = ConsensusFixture.operation(at: ConsensusFixture.now.addingTimeInterval(direction * skew))
        #expect(verdict(operation, chain(operation, iterations: required)).isAccepted)
    }

    @Test("a missing time proof is rejected by name")
    func missingProof() {
        let verdict = validator.validate(ConsensusFixture.operation(), proofs: ProofBundle(), at: ConsensusFixture.now)
        expectRejection(verdict, containing: "no time proof")
    }
}
