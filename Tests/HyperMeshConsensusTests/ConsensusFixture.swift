import Foundation
import HyperMeshConsensus
import Testing

/// Small parameters and one shared node, so that the whole suite proves in milliseconds.
enum ConsensusFixture {
    static let parameters = ConsensusParameters(
        workDifficultyBits: 8,
        timeIterations: 2_000,
        maximumClockSkew: 300,
        minimumStake: 10,
        spaceChallenges: 8,
        minimumPlotBytes: 8 * 1024,
        plotBlockBytes: 32,
        plotBlockRounds: 16)

    /// The validators' clock in every test: a fixed instant, never the real clock.
    static let now = Date(timeIntervalSince1970: 1_760_000_000)

    static let plotSeed = Array("hypermesh consensus test plot".utf8)

    private static let provisioned = Result { () throws(ConsensusError) -> ProvisionedNode in
        try ProvisionedNode.fresh(parameters: parameters, stake: 100, plotBytes: 8 * 1024, plotSeed: plotSeed)
    }

    static func node() throws -> ProvisionedNode {
        try provisioned.get()
    }

    static func operation(_ payload: String = "swift-log 1.16.2", at timestamp: Date = now) -> ConsensusOperation {
        ConsensusOperation(
            kind: "catalog.package.install", submitter: "org.hypermesh.catalog", payload: Array(payload.utf8),
            timestamp: timestamp)
    }

    /// `bytes` with the bits of byte `index` inverted.
    static func flipping(_ bytes: [UInt8], at index: Int = 0) -> [UInt8] {
        var changed = bytes
        changed[index] ^= 0xff
        return changed
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}

/// Expects a rejection whose reason contains `fragment`.
func expectRejection(
    _ verdict: ValidatorVerdict, containing fragment: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(!verdict.isAccepted, "expected a rejection, got \(verdict)", sourceLocation: sourceLocation)
    #expect(verdict.message.contains(fragment), "'\(verdict.message)' does not mention '\(fragment)'", sourceLocation: sourceLocation)
}
