/// Proof of stake: a raw Ed25519 public key and its signature over the operation digest.
/// See ``StakeValidator``.
///
/// JSON form: `{"publicKey": "<lowercase hex, 32 bytes>", "signature": "<lowercase hex, 64 bytes>"}`.
public struct StakeProof: Sendable, Hashable, Codable {
    /// The raw 32-byte Ed25519 public key of the staking node.
    public let publicKey: [UInt8]
    /// The 64-byte Ed25519 signature over the 32 bytes of the operation digest.
    public let signature: [UInt8]

    public init(publicKey: [UInt8], signature: [UInt8]) {
        self.publicKey = publicKey
        self.signature = signature
    }

    private enum CodingKeys: String, CodingKey {
        case publicKey, signature
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        publicKey = try container.decodeHex(forKey: .publicKey)
        signature = try container.decodeHex(forKey: .signature)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeHex(publicKey, forKey: .publicKey)
        try container.encodeHex(signature, forKey: .signature)
    }
}
