/// Proof of space: the root of a registered plot and one opening per challenge derived from the
/// operation digest. See ``SpaceValidator``.
///
/// JSON form: `{"root": "<lowercase hex, 32 bytes>", "openings": [<SpaceOpening>, …]}`.
public struct SpaceProof: Sendable, Hashable, Codable {
    /// The Merkle root of the plot, as registered in the ``PlotRegistry``.
    public let root: [UInt8]
    /// The answers to the challenges, in challenge order.
    public let openings: [SpaceOpening]

    public init(root: [UInt8], openings: [SpaceOpening]) {
        self.root = root
        self.openings = openings
    }

    private enum CodingKeys: String, CodingKey {
        case root, openings
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        root = try container.decodeHex(forKey: .root)
        openings = try container.decode([SpaceOpening].self, forKey: .openings)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeHex(root, forKey: .root)
        try container.encode(openings, forKey: .openings)
    }
}
