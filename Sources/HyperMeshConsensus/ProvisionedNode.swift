import Crypto

/// A fresh node ready to prove, with the ledger and registry entries that make its proofs
/// acceptable: for tests and for a development host.
///
/// NOT for production: the ledger and registry are made here, from the node's own say-so, so
/// nothing about them is agreed with anyone else.
public struct ProvisionedNode: Sendable {
    public let prover: NodeProver
    /// A ledger holding only this node's key.
    public let ledger: StakeLedger
    /// A registry holding only this node's plot.
    public let plots: PlotRegistry

    public var parameters: ConsensusParameters { prover.parameters }

    /// The standard engine over this node's ledger, registry and parameters.
    public func engine() -> ConsensusEngine {
        .standard(parameters: parameters, ledger: ledger, plots: plots)
    }

    /// Makes a node with a new stake key (unless one is given), a plot grown from `plotSeed`
    /// (32 random bytes by default) of `plotBytes` (by default the smallest whole number of blocks
    /// that is at least ``ConsensusParameters/minimumPlotBytes``), and `stake` staked (by default
    /// ``ConsensusParameters/minimumStake``).
    /// - Throws: what ``SpacePlot/init(seed:sizeInBytes:parameters:)`` and
    ///   ``NodeProver/init(stakeKey:plot:parameters:)`` throw.
    public static func fresh(
        parameters: ConsensusParameters = ConsensusParameters(),
        stake: UInt64? = nil,
        plotBytes: Int? = nil,
        plotSeed: [UInt8]? = nil,
        stakeKey: Curve25519.Signing.PrivateKey = Curve25519.Signing.PrivateKey()
    ) throws(ConsensusError) -> ProvisionedNode {
        try parameters.validate()
        let seed = plotSeed ?? SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        let plot = try SpacePlot(
            seed: seed, sizeInBytes: plotBytes ?? smallestPlotBytes(for: parameters), parameters: parameters)
        let prover = try NodeProver(stakeKey: stakeKey, plot: plot, parameters: parameters)
        var ledger = StakeLedger()
        prover.registerStake(stake ?? parameters.minimumStake, in: &ledger)
        var plots = PlotRegistry()
        prover.registerPlot(in: &plots)
        return ProvisionedNode(prover: prover, ledger: ledger, plots: plots)
    }

    /// `minimumPlotBytes` rounded up to whole blocks, and at least one block.
    static func smallestPlotBytes(for parameters: ConsensusParameters) -> Int {
        let blocks = max(1, (parameters.minimumPlotBytes + parameters.plotBlockBytes - 1) / parameters.plotBlockBytes)
        return blocks * parameters.plotBlockBytes
    }
}
