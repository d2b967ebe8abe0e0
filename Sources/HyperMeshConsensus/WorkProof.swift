/// Proof of work: a nonce such that `SHA-256(digest ‖ nonce as 8 bytes little-endian)` starts with
/// at least ``ConsensusParameters/workDifficultyBits`` zero bits. See ``WorkValidator``.
///
/// JSON form: `{"nonce": <unsigned 64-bit integer>}`.
public struct WorkProof: Sendable, Hashable, Codable {
    public let nonce: UInt64

    public init(nonce: UInt64) {
        self.nonce = nonce
    }

    /// The hash the nonce is judged by: `SHA-256(operationDigest ‖ u64le(nonce))`.
    public static func workHash(operationDigest: [UInt8], nonce: UInt64) -> [UInt8] {
        SHA256Bytes.hash(concatenating: operationDigest, ByteEncoding.uint64LittleEndian(nonce))
    }

    /// How many leading zero bits `bytes` has, reading each byte from its most significant bit.
    public static func leadingZeroBits(of bytes: [UInt8]) -> Int {
        var count = 0
        for byte in bytes {
            if byte == 0 {
                count += 8
                continue
            }
            return count + byte.leadingZeroBitCount
        }
        return count
    }

    /// The number of leading zero bits this nonce's work hash has for `operation`.
    public func leadingZeroBits(for operation: ConsensusOperation) -> Int {
        Self.leadingZeroBits(of: Self.workHash(operationDigest: operation.digest, nonce: nonce))
    }
}
