import Foundation
import HyperMeshConsensus
import Testing

@Suite("Proof of stake")
struct StakeValidatorTests {
    private func verdict(ledger: StakeLedger, _ operation: ConsensusOperation, _ proof: StakeProof) -> ValidatorVerdict {
        StakeValidator(ledger: ledger, parameters: ConsensusFixture.parameters)
            .validate(operation, proofs: ProofBundle(stake: proof), at: ConsensusFixture.now)
    }

    @Test("a key that is not in the ledger is rejected")
    func keyNotInLedger() throws {
        let node = try ConsensusFixture.node()
        let operation = ConsensusFixture.operation()
        let proof = try node.prover.proveStake(operation)
        expectRejection(verdict(ledger: StakeLedger(), operation, proof), containing: "not in the stake ledger")
    }

    @Test("a stake below the minimum is rejected, the minimum itself is accepted")
    func stakeBelowMinimum() throws {
        let node = try ConsensusFixture.node()
        let operation = ConsensusFixture.operation()
        let proof = try node.prover.proveStake(operation)
        let minimum = ConsensusFixture.parameters.minimumStake
        var ledger = StakeLedger()
        node.prover.registerStake(minimum - 1, in: &ledger)
        expectRejection(verdict(ledger: ledger, operation, proof), containing: "below the minimum of \(minimum)")
        node.prover.registerStake(minimum, in: &ledger)
        #expect(verdict(ledger: ledger, operation, proof).isAccepted)
    }

    @Test("a corrupted signature is rejected")
    func badSignature() throws {
        let node = try ConsensusFixture.node()
        let operation = ConsensusFixture.operation()
        let honest = try node.prover.proveStake(operation)
        let forged = StakeProof(publicKey: honest.publicKey, signature: ConsensusFixture.flipping(honest.signature, at: 10))
        expectRejection(verdict(ledger: node.ledger, operation, forged), containing: "does not verify")
    }

    @Test("a signature over another operation is rejected")
    func signatureOverAnotherOperation() throws {
        let node = try ConsensusFixture.node()
        let borrowed = try node.prover.proveStake(ConsensusFixture.operation("other"))
        expectRejection(verdict(ledger: node.ledger, ConsensusFixture.operation(), borrowed), containing: "does not verify")
    }

    @Test("a staked key cannot lend its stake to a signature by another key")
    func signatureByAnotherKey() throws {
        let node = try ConsensusFixture.node()
        let operation = ConsensusFixture.operation()
        let stranger = try ProvisionedNode.fresh(parameters: ConsensusFixture.parameters, plotSeed: ConsensusFixture.plotSeed)
        let strangersProof = try stranger.prover.proveStake(operation)
        #expect(verdict(ledger: stranger.ledger, operation, strangersProof).isAccepted)
        let forged = StakeProof(publicKey: node.prover.publicKey, signature: strangersProof.signature)
        expectRejection(verdict(ledger: node.ledger, operation, forged), containing: "does not verify")
    }

    @Test("a public key that is not 32 bytes is rejected")
    func malformedKey() throws {
        let node = try ConsensusFixture.node()
        let operation = ConsensusFixture.operation()
        let honest = try node.prover.proveStake(operation)
        let forged = StakeProof(publicKey: Array(honest.publicKey.dropLast()), signature: honest.signature)
        expectRejection(verdict(ledger: node.ledger, operation, forged), containing: "not a raw Ed25519 public key")
    }

    @Test("a missing stake proof is rejected by name")
    func missingProof() throws {
        let node = try ConsensusFixture.node()
        let verdict = StakeValidator(ledger: node.ledger, parameters: ConsensusFixture.parameters)
            .validate(ConsensusFixture.operation(), proofs: ProofBundle(), at: ConsensusFixture.now)
        expectRejection(verdict, containing: "no stake proof")
    }

    @Test("the ledger round-trips through JSON keyed by lowercase hex")
    func ledgerJSON() throws {
        let node = try ConsensusFixture.node()
        let data = try JSONEncoder().encode(node.ledger)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(ConsensusFixture.hex(node.prover.publicKey)))
        #expect(try JSONDecoder().decode(StakeLedger.self, from: data) == node.ledger)
        #expect(node.ledger.stake(of: node.prover.publicKey) == 100)
    }
}
