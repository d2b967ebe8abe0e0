import Foundation
import HyperMeshConsensus
import Testing

@Suite("Proof of space")
struct SpaceValidatorTests {
    private func verdict(
        _ proof: SpaceProof, registry: PlotRegistry? = nil, parameters: ConsensusParameters = ConsensusFixture.parameters
    ) throws -> ValidatorVerdict {
        let node = try ConsensusFixture.node()
        return SpaceValidator(registry: registry ?? node.plots, parameters: parameters)
            .validate(ConsensusFixture.operation(), proofs: ProofBundle(space: proof), at: ConsensusFixture.now)
    }

    private func honestProof() throws -> SpaceProof {
        try ConsensusFixture.node().prover.proveSpace(ConsensusFixture.operation())
    }

    private func replacingOpening(_ proof: SpaceProof, at position: Int, with opening: SpaceOpening) -> SpaceProof {
        var openings = proof.openings
        openings[position] = opening
        return SpaceProof(root: proof.root, openings: openings)
    }

    @Test("a changed block is rejected")
    func changedBlock() throws {
        let honest = try honestProof()
        let opening = honest.openings[0]
        let forged = SpaceOpening(index: opening.index, block: ConsensusFixture.flipping(opening.block, at: 3), merklePath: opening.merklePath)
        expectRejection(try verdict(replacingOpening(honest, at: 0, with: forged)), containing: "not the block the registered seed gives")
    }

    @Test("a changed Merkle path is rejected", arguments: [0, 4, 7])
    func changedPath(level: Int) throws {
        let honest = try honestProof()
        let opening = honest.openings[2]
        var path = opening.merklePath
        path[level] = ConsensusFixture.flipping(path[level], at: 5)
        let forged = SpaceOpening(index: opening.index, block: opening.block, merklePath: path)
        expectRejection(try verdict(replacingOpening(honest, at: 2, with: forged)), containing: "does not lead to the registered root")
    }

    @Test("a path of the wrong length is rejected")
    func truncatedPath() throws {
        let honest = try honestProof()
        let opening = honest.openings[1]
        let forged = SpaceOpening(index: opening.index, block: opening.block, merklePath: Array(opening.merklePath.dropLast()))
        expectRejection(try verdict(replacingOpening(honest, at: 1, with: forged)), containing: "has depth 8")
    }

    @Test("a genuine opening at an index that was not challenged is rejected")
    func openingAtWrongIndex() throws {
        let node = try ConsensusFixture.node()
        let honest = try honestProof()
        let wrongIndex = (honest.openings[0].index + 1) % UInt64(node.prover.plot.blockCount)
        let genuineElsewhere = node.prover.plot.opening(at: wrongIndex)
        expectRejection(try verdict(replacingOpening(honest, at: 0, with: genuineElsewhere)), containing: "challenges block \(honest.openings[0].index)")
    }

    @Test("too few and too many openings are rejected")
    func openingCount() throws {
        let honest = try honestProof()
        let tooFew = SpaceProof(root: honest.root, openings: Array(honest.openings.dropLast()))
        expectRejection(try verdict(tooFew), containing: "too few space openings")
        let tooMany = SpaceProof(root: honest.root, openings: honest.openings + [honest.openings[0]])
        expectRejection(try verdict(tooMany), containing: "too many space openings")
    }

    @Test("an unregistered root is rejected")
    func unregisteredRoot() throws {
        let honest = try honestProof()
        #expect(try verdict(honest).isAccepted)
        expectRejection(try verdict(honest, registry: PlotRegistry()), containing: "is not registered")
    }

    @Test("a registered plot below the minimum size is rejected")
    func plotBelowMinimum() throws {
        var stricter = ConsensusFixture.parameters
        stricter.minimumPlotBytes = 16 * 1024
        expectRejection(try verdict(try honestProof(), parameters: stricter), containing: "below the minimum of 16384")
    }

    @Test("a root registered with another seed does not accept the plot's blocks")
    func rootRegisteredWithAnotherSeed() throws {
        let honest = try honestProof()
        var registry = PlotRegistry()
        registry.register(root: honest.root, PlotRegistration(seed: Array("another seed".utf8), sizeInBytes: 8 * 1024))
        expectRejection(try verdict(honest, registry: registry), containing: "not the block the registered seed gives")
    }

    @Test("a missing space proof is rejected by name")
    func missingProof() throws {
        let node = try ConsensusFixture.node()
        let verdict = SpaceValidator(registry: node.plots, parameters: ConsensusFixture.parameters)
            .validate(ConsensusFixture.operation(), proofs: ProofBundle(), at: ConsensusFixture.now)
        expectRejection(verdict, containing: "no space proof")
    }
}
