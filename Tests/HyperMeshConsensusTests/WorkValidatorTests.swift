import Foundation
import HyperMeshConsensus
import Testing

@Suite("Proof of work")
struct WorkValidatorTests {
    let validator = WorkValidator(parameters: ConsensusFixture.parameters)
    let difficulty = ConsensusFixture.parameters.workDifficultyBits

    @Test("a nonce whose hash lacks the leading zero bits is rejected")
    func wrongNonce() throws {
        let operation = ConsensusFixture.operation()
        var nonce: UInt64 = 0
        while WorkProof(nonce: nonce).leadingZeroBits(for: operation) >= difficulty { nonce += 1 }
        let verdict = validator.validate(operation, proofs: ProofBundle(work: WorkProof(nonce: nonce)), at: ConsensusFixture.now)
        expectRejection(verdict, containing: "\(difficulty) are required")
    }

    @Test("a nonce ground for another operation is rejected")
    func nonceForAnotherOperation() throws {
        let node = try ConsensusFixture.node()
        let operation = ConsensusFixture.operation()
        var attempt = 0
        var borrowed = node.prover.proveWork(ConsensusFixture.operation("other \(attempt)"))
        while borrowed.leadingZeroBits(for: operation) >= difficulty {
            attempt += 1
            borrowed = node.prover.proveWork(ConsensusFixture.operation("other \(attempt)"))
        }
        let other = ConsensusFixture.operation("other \(attempt)")
        #expect(validator.validate(other, proofs: ProofBundle(work: borrowed), at: ConsensusFixture.now).isAccepted)
        let verdict = validator.validate(operation, proofs: ProofBundle(work: borrowed), at: ConsensusFixture.now)
        expectRejection(verdict, containing: "leading zero bits")
    }

    @Test("raising the difficulty after proving rejects the proof")
    func difficultyRaised() throws {
        let node = try ConsensusFixture.node()
        let operation = ConsensusFixture.operation()
        let work = node.prover.proveWork(operation)
        let achieved = work.leadingZeroBits(for: operation)
        var stricter = ConsensusFixture.parameters
        stricter.workDifficultyBits = achieved
        #expect(WorkValidator(parameters: stricter).validate(operation, proofs: ProofBundle(work: work), at: ConsensusFixture.now).isAccepted)
        stricter.workDifficultyBits = achieved + 1
        let verdict = WorkValidator(parameters: stricter).validate(operation, proofs: ProofBundle(work: work), at: ConsensusFixture.now)
        expectRejection(verdict, containing: "\(achieved + 1) are required")
    }

    @Test("leading zero bits are counted from the most significant bit")
    func leadingZeroBits() {
        #expect(WorkProof.leadingZeroBits(of: [0x00, 0x00, 0x80]) == 16)
        #expect(WorkProof.leadingZeroBits(of: [0x00, 0x01]) == 15)
        #expect(WorkProof.leadingZeroBits(of: [0x0f, 0x00]) == 4)
        #expect(WorkProof.leadingZeroBits(of: [0x00, 0x00]) == 16)
        #expect(WorkProof.leadingZeroBits(of: [0xff]) == 0)
    }

    @Test("a missing work proof is rejected by name")
    func missingProof() {
        let verdict = validator.validate(ConsensusFixture.operation(), proofs: ProofBundle(), at: ConsensusFixture.now)
        expectRejection(verdict, containing: "no work proof")
    }
}
