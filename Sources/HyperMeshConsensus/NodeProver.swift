import Crypto

/// The node's own prover: it produces the four proofs for an operation from the node's resources,
/// a stake key registered in a ``StakeLedger``, a ``SpacePlot`` whose root is in a ``PlotRegistry``,
/// CPU for the work nonce and for the sequential time chain.
///
/// Cost of ``prove(_:)`` with the default parameters: about 4 096 hashes of work (on average),
/// 20 000 sequential hashes of time, one signature, and 8 plot look-ups.
///
/// NOT guaranteed: that the proofs are accepted. The prover does not consult the ledger or the
/// registry; a key without stake or an unregistered plot gives proofs that validators reject.
public struct NodeProver: Sendable {
    /// The node's private stake key. It never leaves the host process: proofs carry only its
    /// public key and signatures.
    public let stakeKey: Curve25519.Signing.PrivateKey
    public let plot: SpacePlot
    public let parameters: ConsensusParameters

    /// - Throws: ``ConsensusError/Code/invalidParameters`` when `parameters` are out of range, and
    ///   ``ConsensusError/Code/plotParameterMismatch`` when `plot` was grown with another block
    ///   size or number of rounds.
    public init(stakeKey: Curve25519.Signing.PrivateKey, plot: SpacePlot, parameters: ConsensusParameters) throws(ConsensusError) {
        try parameters.validate()
        guard plot.matches(parameters) else {
            throw ConsensusError(
                .plotParameterMismatch,
                "the plot has \(plot.blockBytes)-byte blocks of \(plot.blockRounds) rounds but the parameters say \(parameters.plotBlockBytes) bytes and \(parameters.plotBlockRounds) rounds; rebuild the plot with these parameters")
        }
        self.stakeKey = stakeKey
        self.plot = plot
        self.parameters = parameters
    }

    /// The raw 32-byte public key that stake proofs carry.
    public var publicKey: [UInt8] {
        Array(stakeKey.publicKey.rawRepresentation)
    }

    /// All four proofs for `operation`.
    /// - Throws: ``ConsensusError/Code/signingFailed`` if the signature cannot be made.
    public func prove(_ operation: ConsensusOperation) throws(ConsensusError) -> ProofBundle {
        ProofBundle(
            space: proveSpace(operation),
            stake: try proveStake(operation),
            work: proveWork(operation),
            time: proveTime(operation))
    }

    /// Opens the plot blocks that `operation` challenges.
    public func proveSpace(_ operation: ConsensusOperation) -> SpaceProof {
        plot.proof(for: operation, challenges: parameters.spaceChallenges)
    }

    /// Signs the operation digest with the stake key.
    public func proveStake(_ operation: ConsensusOperation) throws(ConsensusError) -> StakeProof {
        do {
            let signature = try stakeKey.signature(for: operation.digest)
            return StakeProof(publicKey: publicKey, signature: Array(signature))
        } catch {
            throw ConsensusError(.signingFailed, "the stake key could not sign the operation digest", cause: "\(error)")
        }
    }

    /// Grinds nonces from 0 upwards until the work hash has enough leading zero bits; returns the
    /// first that does (about `2^workDifficultyBits` tries on average).
    public func proveWork(_ operation: ConsensusOperation) -> WorkProof {
        let digest = operation.digest
        var nonce: UInt64 = 0
        while WorkProof.leadingZeroBits(of: WorkProof.workHash(operationDigest: digest, nonce: nonce))
            < parameters.workDifficultyBits {
            nonce &+= 1
        }
        return WorkProof(nonce: nonce)
    }

    /// Runs the SHA-256 chain of exactly `timeIterations` steps from the operation digest.
    public func proveTime(_ operation: ConsensusOperation) -> TimeProof {
        let iterations = parameters.timeIterations
        return TimeProof(iterations: iterations, output: TimeProof.chainOutput(operationDigest: operation.digest, iterations: iterations))
    }

    /// Records this node's key in `ledger` with `amount` staked.
    public func registerStake(_ amount: UInt64, in ledger: inout StakeLedger) {
        ledger.setStake(amount, for: publicKey)
    }

    /// Files this node's plot under its root in `registry`.
    public func registerPlot(in registry: inout PlotRegistry) {
        registry.register(plot)
    }
}
