import Crypto
import Foundation

/// Checks proof of stake: the proof's public key must be in the ``StakeLedger`` with at least
/// ``ConsensusParameters/minimumStake``, and its Ed25519 signature (swift-crypto
/// `Curve25519.Signing`) over the 32 bytes of the operation digest must verify.
///
/// What it proves: the holder of a key that has stake in this ledger approved exactly this
/// operation (the signature covers the digest, hence every field and the timestamp).
///
/// What it does NOT prove: that the stake is still locked or not spent elsewhere, that the ledger
/// is current, or that the key holder is distinct from other stakers (one party may hold many
/// keys). A stolen key proves stake as well as its owner. Nothing is slashed on misbehaviour.
///
/// Cost: one signature to prove, one dictionary look-up and one signature verification to verify.
public struct StakeValidator: OperationValidator {
    public let ledger: StakeLedger
    public let parameters: ConsensusParameters

    public init(ledger: StakeLedger, parameters: ConsensusParameters = ConsensusParameters()) {
        self.ledger = ledger
        self.parameters = parameters
    }

    public var proof: ProofKind { .stake }

    public func validate(_ operation: ConsensusOperation, proofs: ProofBundle, at now: Date) -> ValidatorVerdict {
        if let invalid = parameters.rejectionIfInvalid(for: proof) { return invalid }
        guard let stake = proofs.stake else {
            return .rejected(reason: "no stake proof in the bundle; attach a StakeProof with a staked Ed25519 key and its signature over the digest (NodeProver.proveStake)")
        }
        let keyHex = HexBytes.encode(stake.publicKey)
        guard let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: stake.publicKey) else {
            return .rejected(reason: "stake public key is \(stake.publicKey.count) bytes and not a raw Ed25519 public key (32 bytes); send the key's raw representation")
        }
        guard let amount = ledger.stake(of: stake.publicKey) else {
            return .rejected(reason: "stake key \(keyHex) is not in the stake ledger; register it with at least \(parameters.minimumStake) stake or sign with a registered key")
        }
        guard amount >= parameters.minimumStake else {
            return .rejected(reason: "stake key \(keyHex) has \(amount) staked, below the minimum of \(parameters.minimumStake); add stake or sign with another key")
        }
        guard publicKey.isValidSignature(stake.signature, for: operation.digest) else {
            return .rejected(reason: "stake signature does not verify with key \(keyHex) over this operation's digest; sign exactly this operation's digest with that key")
        }
        return .accepted(detail: "key \(keyHex) with \(amount) staked (≥ \(parameters.minimumStake)) signed the digest")
    }
}
