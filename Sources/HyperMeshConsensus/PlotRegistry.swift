/// The plot commitments registered ahead of time: Merkle root (lowercase hex) → seed and size.
///
/// A plain value, like ``StakeLedger``. Registering records a claim; it does NOT recompute the
/// root from the seed (that costs as much as building the plot). ``register(_:)`` takes the root
/// from a plot that was actually built; ``register(root:_:)`` trusts its caller, and a wrong root
/// only makes every proof against it fail.
///
/// JSON form: `{"plots": {"<root hex>": <PlotRegistration>, …}}`.
public struct PlotRegistry: Sendable, Hashable, Codable {
    public private(set) var plots: [String: PlotRegistration]

    /// An empty registry.
    public init() {
        plots = [:]
    }

    /// The registration filed under `root`, or nil when that root was never registered.
    public func registration(forRoot root: [UInt8]) -> PlotRegistration? {
        plots[HexBytes.encode(root)]
    }

    /// Files `registration` under `root`, replacing any earlier entry.
    public mutating func register(root: [UInt8], _ registration: PlotRegistration) {
        plots[HexBytes.encode(root)] = registration
    }

    /// Files a built plot under its root.
    public mutating func register(_ plot: SpacePlot) {
        register(root: plot.root, plot.registration)
    }

    /// Removes the plot filed under `root`.
    public mutating func unregister(root: [UInt8]) {
        plots[HexBytes.encode(root)] = nil
    }

    private enum CodingKeys: String, CodingKey {
        case plots
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let decoded = try container.decode([String: PlotRegistration].self, forKey: .plots)
        for key in decoded.keys where HexBytes.decode(key) == nil {
            throw DecodingError.dataCorruptedError(
                forKey: .plots, in: container, debugDescription: "plot root '\(key)' is not lowercase hex")
        }
        plots = decoded
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(plots, forKey: .plots)
    }
}
