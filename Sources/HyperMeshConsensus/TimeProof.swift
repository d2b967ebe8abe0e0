/// Proof of (sequential) time: the end of a SHA-256 hash chain started at the operation digest.
/// See ``TimeValidator``.
///
/// JSON form: `{"iterations": <unsigned 64-bit integer>, "output": "<lowercase hex>"}`.
public struct TimeProof: Sendable, Hashable, Codable {
    /// How many times SHA-256 was applied.
    public let iterations: UInt64
    /// `SHA-256` applied `iterations` times, starting from the operation digest (32 bytes).
    public let output: [UInt8]

    public init(iterations: UInt64, output: [UInt8]) {
        self.iterations = iterations
        self.output = output
    }

    /// Runs the chain: `output = SHA-256^iterations(operationDigest)`. Costs `iterations` hashes
    /// that cannot be run in parallel.
    public static func chainOutput(operationDigest: [UInt8], iterations: UInt64) -> [UInt8] {
        SHA256Bytes.iterated(operationDigest, rounds: iterations)
    }

    private enum CodingKeys: String, CodingKey {
        case iterations, output
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        iterations = try container.decode(UInt64.self, forKey: .iterations)
        output = try container.decodeHex(forKey: .output)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(iterations, forKey: .iterations)
        try container.encodeHex(output, forKey: .output)
    }
}
