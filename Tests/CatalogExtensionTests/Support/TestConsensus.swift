import HyperMeshConsensus
import HyperMeshConsensusFunctions
import HyperMeshExtensions

/// A consensus node with parameters small enough that proving takes about a millisecond:
/// the checks are the real ones, only cheaper.
enum TestConsensus {
    static let parameters = ConsensusParameters(
        workDifficultyBits: 6, timeIterations: 200, spaceChallenges: 4, minimumPlotBytes: 2_048, plotBlockRounds: 4)

    static let node: NodeConsensus = {
        do {
            return NodeConsensus(node: try ProvisionedNode.fresh(parameters: parameters))
        } catch {
            fatalError("the test consensus node cannot be provisioned: \(error)")
        }
    }()

    /// A node whose validators know a ledger without its stake key: every operation is rejected
    /// by the stake validator (and accepted by the other three).
    static let withoutStake: NodeConsensus = {
        do {
            let node = try ProvisionedNode.fresh(parameters: parameters)
            return NodeConsensus(prover: node.prover, engine: .standard(parameters: parameters, ledger: StakeLedger(), plots: node.plots))
        } catch {
            fatalError("the test consensus node cannot be provisioned: \(error)")
        }
    }()
}
