import Foundation

/// Who has staked how much: raw Ed25519 public key (lowercase hex) → staked amount.
///
/// A plain value: the ledger a ``StakeValidator`` is given is the one it checks against, and it
/// does not change under it. How stake is acquired, locked, slashed or synchronised between nodes
/// is NOT this type's concern; it only records the amounts.
///
/// JSON form: `{"stakes": {"<public key hex>": <amount>, …}}`.
public struct StakeLedger: Sendable, Hashable, Codable {
    /// Staked amounts keyed by lowercase hex of the raw 32-byte Ed25519 public key.
    public private(set) var stakes: [String: UInt64]

    /// An empty ledger.
    public init() {
        stakes = [:]
    }

    /// A ledger with the given amounts, keyed by raw public key.
    public init(stakes: [[UInt8]: UInt64]) {
        self.stakes = [:]
        for (publicKey, amount) in stakes { setStake(amount, for: publicKey) }
    }

    /// The stake of `publicKey`, or nil when the key is not in the ledger.
    public func stake(of publicKey: [UInt8]) -> UInt64? {
        stakes[HexBytes.encode(publicKey)]
    }

    /// Records `amount` for `publicKey`, replacing any earlier amount.
    public mutating func setStake(_ amount: UInt64, for publicKey: [UInt8]) {
        stakes[HexBytes.encode(publicKey)] = amount
    }

    /// Removes `publicKey` from the ledger.
    public mutating func removeStake(for publicKey: [UInt8]) {
        stakes[HexBytes.encode(publicKey)] = nil
    }

    private enum CodingKeys: String, CodingKey {
        case stakes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let decoded = try container.decode([String: UInt64].self, forKey: .stakes)
        for key in decoded.keys where HexBytes.decode(key) == nil {
            throw DecodingError.dataCorruptedError(
                forKey: .stakes, in: container, debugDescription: "ledger key '\(key)' is not lowercase hex")
        }
        stakes = decoded
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(stakes, forKey: .stakes)
    }
}
