/// What validators know about a registered plot: the seed it grows from and its size.
///
/// JSON form: `{"seed": "<lowercase hex>", "sizeInBytes": <integer>}`.
public struct PlotRegistration: Sendable, Hashable, Codable {
    public let seed: [UInt8]
    public let sizeInBytes: Int

    public init(seed: [UInt8], sizeInBytes: Int) {
        self.seed = seed
        self.sizeInBytes = sizeInBytes
    }

    private enum CodingKeys: String, CodingKey {
        case seed, sizeInBytes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        seed = try container.decodeHex(forKey: .seed)
        sizeInBytes = try container.decode(Int.self, forKey: .sizeInBytes)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeHex(seed, forKey: .seed)
        try container.encode(sizeInBytes, forKey: .sizeInBytes)
    }
}
