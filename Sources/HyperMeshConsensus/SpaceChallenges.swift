/// Which plot blocks an operation challenges.
///
/// Challenge `j` (for `j` in `0..<count`) is the block index
///
///     u64le⁻¹(first 8 bytes of SHA-256(field("hypermesh.consensus.space.challenge.v1") ‖ digest ‖ u64le(j)))  mod  blockCount
///
/// where `field(b) = u64le(byte count of b) ‖ b` and `digest` is the operation digest. The indices
/// cannot be known before the operation is fixed, so a prover cannot keep only the blocks it will
/// be asked for. Two challenges may land on the same block. The modulo bias is below
/// `blockCount / 2^64` and is ignored.
public enum SpaceChallenges {
    /// The domain tag hashed in front of the digest.
    public static let tag = "hypermesh.consensus.space.challenge.v1"

    /// The `count` challenged indices, in challenge order. - Precondition: `blockCount ≥ 1`.
    public static func indices(for operationDigest: [UInt8], blockCount: UInt64, count: Int) -> [UInt64] {
        let prefix = ByteEncoding.lengthPrefixed(Array(tag.utf8)) + operationDigest
        return (0..<max(count, 0)).map { challenge in
            let hash = SHA256Bytes.hash(concatenating: prefix, ByteEncoding.uint64LittleEndian(UInt64(challenge)))
            return ByteEncoding.uint64FromLittleEndianPrefix(hash) % max(blockCount, 1)
        }
    }
}
