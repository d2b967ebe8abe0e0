/// One answered space challenge: the plot block at `index` and the Merkle path that ties it to the
/// plot's root. See ``SpaceValidator`` and ``PlotMerkleTree``.
///
/// JSON form: `{"index": <unsigned 64-bit integer>, "block": "<hex>", "merklePath": ["<hex>", …]}`.
public struct SpaceOpening: Sendable, Hashable, Codable {
    /// The block's position in the plot, counted from 0.
    public let index: UInt64
    /// The block's bytes (``ConsensusParameters/plotBlockBytes`` long).
    public let block: [UInt8]
    /// The sibling hashes from the leaf level up to just below the root, 32 bytes each.
    public let merklePath: [[UInt8]]

    public init(index: UInt64, block: [UInt8], merklePath: [[UInt8]]) {
        self.index = index
        self.block = block
        self.merklePath = merklePath
    }

    private enum CodingKeys: String, CodingKey {
        case index, block, merklePath
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        index = try container.decode(UInt64.self, forKey: .index)
        block = try container.decodeHex(forKey: .block)
        var pathContainer = try container.nestedUnkeyedContainer(forKey: .merklePath)
        var path: [[UInt8]] = []
        while !pathContainer.isAtEnd {
            let text = try pathContainer.decode(String.self)
            guard let sibling = HexBytes.decode(text) else {
                throw DecodingError.dataCorruptedError(
                    in: pathContainer, debugDescription: "'merklePath' entries must be lowercase hex")
            }
            path.append(sibling)
        }
        merklePath = path
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(index, forKey: .index)
        try container.encodeHex(block, forKey: .block)
        try container.encode(merklePath.map { HexBytes.encode($0) }, forKey: .merklePath)
    }
}
