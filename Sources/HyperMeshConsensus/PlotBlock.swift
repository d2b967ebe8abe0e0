/// How one block of a space plot is computed from the plot's seed.
///
/// Block `i` is the first `blockBytes` bytes of SHA-256 applied `rounds` times, the first time to
/// `seed ‖ u64le(i)` and every later time to the previous 32-byte result:
///
///     h1 = SHA-256(seed ‖ u64le(i)),  h(k+1) = SHA-256(h(k)),  block(i) = prefix(blockBytes, h(rounds))
///
/// Anyone who knows the seed can compute any single block for `rounds` hashes, which makes checking
/// an opened block cheap; recomputing the whole plot costs `blockCount × rounds` hashes, which is
/// what a prover that did not keep the plot pays on every proof.
public enum PlotBlock {
    /// Block `index` of the plot grown from `seed`.
    /// - Precondition: `rounds ≥ 1` and `1 ≤ blockBytes ≤ 32` (checked by ``ConsensusParameters/problems``).
    public static func compute(seed: [UInt8], index: UInt64, blockBytes: Int, rounds: Int) -> [UInt8] {
        let first = SHA256Bytes.hash(concatenating: seed, ByteEncoding.uint64LittleEndian(index))
        let last = SHA256Bytes.iterated(first, rounds: UInt64(max(rounds, 1) - 1))
        return Array(last.prefix(blockBytes))
    }
}
