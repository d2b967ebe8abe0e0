import Foundation

/// Checks proof of space against the ``PlotRegistry``.
///
/// The proof names a plot root; the registry must hold it, with a size that is a whole number of
/// ``ConsensusParameters/plotBlockBytes`` blocks and at least ``ConsensusParameters/minimumPlotBytes``.
/// The proof must carry exactly ``ConsensusParameters/spaceChallenges`` openings; opening `j` must
/// be at the `j`-th index derived from the operation digest (``SpaceChallenges``), its block must
/// equal the block recomputed from the registered seed (``PlotBlock``), and its Merkle path must
/// have the tree's depth and lead from the block to the registered root (``PlotMerkleTree``).
///
/// What it proves: the prover could answer challenges it could not predict with blocks and paths
/// consistent with a commitment registered earlier. Since a path needs sibling hashes that depend
/// on the rest of the plot, a prover that did not keep the tree must recompute (nearly) the whole
/// plot, `blockCount × plotBlockRounds` hashes, for every operation: it kept the plot, or it pays
/// to rebuild it.
///
/// What it does NOT prove: that the storage is dedicated to this node or unique to it (the seed is
/// public and a plot can be shared or copied), that it is on disk rather than in memory, or that
/// the prover kept the whole plot rather than just the tree's upper levels plus cheap recomputation
/// of the rest. With `plotBlockRounds` small, recomputing is cheap and the proof is weak.
///
/// Cost: proving is `spaceChallenges` look-ups on a built plot (building it once costs
/// `blockCount × plotBlockRounds` hashes); verifying is `spaceChallenges × (plotBlockRounds + depth + 1)` hashes.
public struct SpaceValidator: OperationValidator {
    public let registry: PlotRegistry
    public let parameters: ConsensusParameters

    public init(registry: PlotRegistry, parameters: ConsensusParameters = ConsensusParameters()) {
        self.registry = registry
        self.parameters = parameters
    }

    public var proof: ProofKind { .space }

    public func validate(_ operation: ConsensusOperation, proofs: ProofBundle, at now: Date) -> ValidatorVerdict {
        if let invalid = parameters.rejectionIfInvalid(for: proof) { return invalid }
        guard let space = proofs.space else {
            return .rejected(reason: "no space proof in the bundle; attach a SpaceProof opening the challenged blocks of a registered plot (NodeProver.proveSpace)")
        }
        let rootHex = HexBytes.encode(space.root)
        guard let plot = registry.registration(forRoot: space.root) else {
            return .rejected(reason: "plot root \(rootHex) is not registered; register the plot's root, seed and size before proving with it")
        }
        guard plot.sizeInBytes > 0, plot.sizeInBytes % parameters.plotBlockBytes == 0 else {
            return .rejected(reason: "registered plot \(rootHex) has size \(plot.sizeInBytes) bytes, not a positive multiple of \(parameters.plotBlockBytes)-byte blocks; re-register it with a whole number of blocks")
        }
        guard plot.sizeInBytes >= parameters.minimumPlotBytes else {
            return .rejected(reason: "registered plot \(rootHex) is \(plot.sizeInBytes) bytes, below the minimum of \(parameters.minimumPlotBytes); build and register a larger plot")
        }
        guard space.openings.count == parameters.spaceChallenges else {
            let amount = space.openings.count < parameters.spaceChallenges ? "too few" : "too many"
            return .rejected(reason: "\(amount) space openings: \(space.openings.count) given, exactly \(parameters.spaceChallenges) required; answer every challenge derived from the digest")
        }
        let blockCount = plot.sizeInBytes / parameters.plotBlockBytes
        let challenges = SpaceChallenges.indices(
            for: operation.digest, blockCount: UInt64(blockCount), count: parameters.spaceChallenges)
        let depth = PlotMerkleTree.depth(forBlockCount: blockCount)
        for (number, (opening, challenged)) in zip(space.openings, challenges).enumerated() {
            if let problem = openingProblem(opening, challenged: challenged, number: number, plot: plot, depth: depth, root: space.root) {
                return .rejected(reason: problem)
            }
        }
        return .accepted(detail: "\(challenges.count) challenged blocks of the \(plot.sizeInBytes)-byte plot \(rootHex) recomputed and proven under its root")
    }

    /// Why opening `number` fails, or nil when it holds.
    private func openingProblem(
        _ opening: SpaceOpening, challenged: UInt64, number: Int, plot: PlotRegistration, depth: Int, root: [UInt8]
    ) -> String? {
        guard opening.index == challenged else {
            return "space opening \(number) is at block \(opening.index) but the operation challenges block \(challenged); open the blocks derived from this operation's digest, in order"
        }
        let expected = PlotBlock.compute(
            seed: plot.seed, index: challenged, blockBytes: parameters.plotBlockBytes, rounds: parameters.plotBlockRounds)
        guard opening.block == expected else {
            return "space opening \(number): block \(challenged) is not the block the registered seed gives; send the plot's block unchanged"
        }
        guard opening.merklePath.count == depth else {
            return "space opening \(number): Merkle path has \(opening.merklePath.count) siblings but the plot's tree has depth \(depth); send the full path from leaf to root"
        }
        guard PlotMerkleTree.root(fromBlock: opening.block, index: opening.index, path: opening.merklePath) == root else {
            return "space opening \(number): Merkle path for block \(challenged) does not lead to the registered root; send the path from the committed tree"
        }
        return nil
    }
}
