/// A storage plot held in memory by a proving node: every block (see ``PlotBlock``) and the Merkle
/// tree over them (see ``PlotMerkleTree``), so that any challenge is answered by a look-up.
///
/// Building a plot costs `blockCount × plotBlockRounds` hashes plus the tree; it holds about
/// `sizeInBytes + 2 × paddedBlockCount × 32` bytes. The plot's ``registration`` must be entered in
/// the validators' ``PlotRegistry`` under its ``root`` before its proofs are accepted.
///
/// NOT guaranteed: that the plot occupies storage exclusively for this node, or on disk. The seed is
/// public once registered, so another party could build the same plot.
public struct SpacePlot: Sendable, Equatable {
    public let seed: [UInt8]
    public let sizeInBytes: Int
    public let blockBytes: Int
    public let blockRounds: Int
    /// The blocks, back to back.
    private let blocks: [UInt8]
    public let tree: PlotMerkleTree

    /// Grows the plot from `seed` with the block size and rounds of `parameters`.
    /// - Throws: ``ConsensusError/Code/invalidParameters`` when `parameters` are out of range,
    ///   ``ConsensusError/Code/invalidPlotSeed`` for an empty seed, and
    ///   ``ConsensusError/Code/invalidPlotSize`` unless `sizeInBytes` is a positive multiple of
    ///   ``ConsensusParameters/plotBlockBytes``.
    public init(seed: [UInt8], sizeInBytes: Int, parameters: ConsensusParameters) throws(ConsensusError) {
        try parameters.validate()
        guard !seed.isEmpty else {
            throw ConsensusError(.invalidPlotSeed, "the plot seed is empty; use at least 16 random bytes")
        }
        guard sizeInBytes > 0, sizeInBytes % parameters.plotBlockBytes == 0 else {
            throw ConsensusError(
                .invalidPlotSize,
                "plot size \(sizeInBytes) bytes is not a positive multiple of the \(parameters.plotBlockBytes)-byte block size; round it to a whole number of blocks")
        }
        let blockCount = sizeInBytes / parameters.plotBlockBytes
        var blocks: [UInt8] = []
        blocks.reserveCapacity(sizeInBytes)
        for index in 0..<blockCount {
            blocks += PlotBlock.compute(
                seed: seed, index: UInt64(index), blockBytes: parameters.plotBlockBytes, rounds: parameters.plotBlockRounds)
        }
        let blockBytes = parameters.plotBlockBytes
        self.seed = seed
        self.sizeInBytes = sizeInBytes
        self.blockBytes = blockBytes
        self.blockRounds = parameters.plotBlockRounds
        self.blocks = blocks
        self.tree = PlotMerkleTree(blockCount: blockCount) { index in
            Array(blocks[index * blockBytes..<(index + 1) * blockBytes])
        }
    }

    public var blockCount: Int { sizeInBytes / blockBytes }

    /// The Merkle root: the plot's public commitment.
    public var root: [UInt8] { tree.root }

    /// What validators need to know about this plot: its seed and size, to file under ``root``.
    public var registration: PlotRegistration {
        PlotRegistration(seed: seed, sizeInBytes: sizeInBytes)
    }

    /// Whether this plot was grown with the block size and rounds of `parameters`.
    public func matches(_ parameters: ConsensusParameters) -> Bool {
        blockBytes == parameters.plotBlockBytes && blockRounds == parameters.plotBlockRounds
    }

    /// Block `index`. - Precondition: `0 ≤ index < blockCount`.
    public func block(at index: Int) -> [UInt8] {
        Array(blocks[index * blockBytes..<(index + 1) * blockBytes])
    }

    /// The block at `index` with its Merkle path. - Precondition: `index < blockCount`.
    public func opening(at index: UInt64) -> SpaceOpening {
        let position = Int(index)
        return SpaceOpening(index: index, block: block(at: position), merklePath: tree.path(forLeaf: position))
    }

    /// The openings for every challenge `operation` derives (see ``SpaceChallenges``).
    public func proof(for operation: ConsensusOperation, challenges: Int) -> SpaceProof {
        let indices = SpaceChallenges.indices(for: operation.digest, blockCount: UInt64(blockCount), count: challenges)
        return SpaceProof(root: root, openings: indices.map(opening(at:)))
    }
}
