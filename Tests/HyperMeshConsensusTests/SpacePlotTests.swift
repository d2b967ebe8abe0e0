import Foundation
import HyperMeshConsensus
import Testing

@Suite("Plots, Merkle commitments and challenges")
struct SpacePlotTests {
    private func plot(blocks: Int, seed: String = "plot") throws -> SpacePlot {
        try SpacePlot(seed: Array(seed.utf8), sizeInBytes: blocks * 32, parameters: ConsensusFixture.parameters)
    }

    @Test("every block's path leads to the root, padded or not", arguments: [1, 2, 3, 5, 8, 13])
    func everyPathLeadsToTheRoot(blockCount: Int) throws {
        let plot = try plot(blocks: blockCount)
        #expect(plot.tree.depth == PlotMerkleTree.depth(forBlockCount: blockCount))
        for index in 0..<blockCount {
            let opening = plot.opening(at: UInt64(index))
            #expect(opening.merklePath.count == plot.tree.depth)
            #expect(PlotMerkleTree.root(fromBlock: opening.block, index: opening.index, path: opening.merklePath) == plot.root)
            if blockCount > 1 {
                let otherIndex = UInt64((index + 1) % blockCount)
                #expect(PlotMerkleTree.root(fromBlock: opening.block, index: otherIndex, path: opening.merklePath) != plot.root)
            }
        }
    }

    @Test("depth is the ceiling of log2 of the block count")
    func depth() {
        #expect(PlotMerkleTree.depth(forBlockCount: 1) == 0)
        #expect(PlotMerkleTree.depth(forBlockCount: 2) == 1)
        #expect(PlotMerkleTree.depth(forBlockCount: 3) == 2)
        #expect(PlotMerkleTree.depth(forBlockCount: 4) == 2)
        #expect(PlotMerkleTree.depth(forBlockCount: 5) == 3)
        #expect(PlotMerkleTree.depth(forBlockCount: 256) == 8)
    }

    @Test("blocks are the iterated hash of seed and index, and the root depends on the seed")
    func blocksFollowTheSeed() throws {
        let plot = try plot(blocks: 4)
        for index in 0..<4 {
            #expect(plot.block(at: index) == PlotBlock.compute(seed: plot.seed, index: UInt64(index), blockBytes: 32, rounds: 16))
        }
        #expect(plot.block(at: 0) != plot.block(at: 1))
        #expect(try self.plot(blocks: 4).root == plot.root)
        #expect(try self.plot(blocks: 4, seed: "another").root != plot.root)
        #expect(PlotBlock.compute(seed: plot.seed, index: 0, blockBytes: 32, rounds: 17) != plot.block(at: 0))
    }

    @Test("a plot size that is not a positive multiple of the block size is a typed error", arguments: [0, -32, 100, 8 * 1024 + 1])
    func invalidPlotSize(size: Int) {
        let error = #expect(throws: ConsensusError.self) {
            try SpacePlot(seed: [1, 2, 3], sizeInBytes: size, parameters: ConsensusFixture.parameters)
        }
        #expect(error?.code == .invalidPlotSize)
        #expect(error?.message.contains("\(size)") == true)
    }

    @Test("an empty seed is a typed error")
    func emptySeed() {
        let error = #expect(throws: ConsensusError.self) {
            try SpacePlot(seed: [], sizeInBytes: 64, parameters: ConsensusFixture.parameters)
        }
        #expect(error?.code == .invalidPlotSeed)
    }

    @Test("a prover refuses a plot grown with other parameters")
    func plotParameterMismatch() throws {
        let node = try ConsensusFixture.node()
        var other = ConsensusFixture.parameters
        other.plotBlockRounds += 1
        let error = #expect(throws: ConsensusError.self) {
            try NodeProver(stakeKey: node.prover.stakeKey, plot: node.prover.plot, parameters: other)
        }
        #expect(error?.code == .plotParameterMismatch)
    }

    @Test("challenges are derived from the digest, in range and repeatable")
    func challenges() {
        let digest = ConsensusFixture.operation().digest
        let indices = SpaceChallenges.indices(for: digest, blockCount: 256, count: 8)
        #expect(indices.count == 8)
        #expect(indices.allSatisfy { $0 < 256 })
        #expect(SpaceChallenges.indices(for: digest, blockCount: 256, count: 8) == indices)
        #expect(SpaceChallenges.indices(for: ConsensusFixture.operation("other").digest, blockCount: 256, count: 8) != indices)
        #expect(SpaceChallenges.indices(for: digest, blockCount: 1, count: 3) == [0, 0, 0])
    }

    @Test("the registry round-trips through JSON")
    func registryJSON() throws {
        let node = try ConsensusFixture.node()
        let data = try JSONEncoder().encode(node.plots)
        let decoded = try JSONDecoder().decode(PlotRegistry.self, from: data)
        #expect(decoded == node.plots)
        #expect(decoded.registration(forRoot: node.prover.plot.root) == node.prover.plot.registration)
    }
}
