/// The Merkle tree that commits to a space plot.
///
/// - Leaf `i` is `SHA-256(0x00 ‖ block i)`; an inner node is `SHA-256(0x01 ‖ left ‖ right)`
///   (the prefixes keep a leaf from ever being mistaken for an inner node).
/// - Padding rule: the leaf level is padded on the right to the next power of two (at least 1)
///   with 32 zero bytes, a value that is not the hash of any block. The tree's depth is therefore
///   `ceil(log2(blockCount))`, and every path has exactly that many siblings.
/// - A path lists the sibling hashes from the leaf level upwards; bit `k` of the block index says
///   whether the node at level `k` is a right child (1) or a left child (0).
///
/// Memory: every level is kept, about `2 × paddedLeafCount × 32` bytes.
public struct PlotMerkleTree: Sendable, Equatable {
    /// The value padding leaves take.
    public static let paddingLeaf = [UInt8](repeating: 0, count: SHA256Bytes.size)

    /// Levels from the leaves (index 0) to the root (last), each a flat run of 32-byte hashes.
    private let levels: [[UInt8]]
    /// The number of real (unpadded) leaves.
    public let leafCount: Int

    /// Builds the tree over `blockCount` blocks, asking `block(i)` for each.
    /// - Precondition: `blockCount ≥ 1`.
    init(blockCount: Int, block: (Int) -> [UInt8]) {
        let width = 1 << Self.depth(forBlockCount: blockCount)
        var level: [UInt8] = []
        level.reserveCapacity(width * SHA256Bytes.size)
        for index in 0..<blockCount { level += Self.leafHash(block(index)) }
        for _ in blockCount..<width { level += Self.paddingLeaf }
        var built = [level]
        while level.count > SHA256Bytes.size {
            var parent: [UInt8] = []
            parent.reserveCapacity(level.count / 2)
            for offset in stride(from: 0, to: level.count, by: 2 * SHA256Bytes.size) {
                parent += Self.nodeHash(
                    Array(level[offset..<offset + SHA256Bytes.size]),
                    Array(level[offset + SHA256Bytes.size..<offset + 2 * SHA256Bytes.size]))
            }
            built.append(parent)
            level = parent
        }
        levels = built
        leafCount = blockCount
    }

    /// The commitment: the single hash at the top.
    public var root: [UInt8] { levels[levels.count - 1] }

    /// The number of siblings on every path.
    public var depth: Int { levels.count - 1 }

    /// The siblings of leaf `index` from the bottom up. - Precondition: `0 ≤ index < leafCount`.
    public func path(forLeaf index: Int) -> [[UInt8]] {
        var position = index
        var siblings: [[UInt8]] = []
        for level in levels.dropLast() {
            let sibling = (position ^ 1) * SHA256Bytes.size
            siblings.append(Array(level[sibling..<sibling + SHA256Bytes.size]))
            position >>= 1
        }
        return siblings
    }

    /// `ceil(log2(blockCount))`, and 0 for a single block.
    public static func depth(forBlockCount blockCount: Int) -> Int {
        blockCount <= 1 ? 0 : Int.bitWidth - (blockCount - 1).leadingZeroBitCount
    }

    public static func leafHash(_ block: [UInt8]) -> [UInt8] {
        SHA256Bytes.hash(concatenating: [0x00], block)
    }

    public static func nodeHash(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        SHA256Bytes.hash(concatenating: [0x01], left, right)
    }

    /// The root that `block` at `index` and `path` lead to, or nil when a sibling is not 32 bytes.
    public static func root(fromBlock block: [UInt8], index: UInt64, path: [[UInt8]]) -> [UInt8]? {
        var node = leafHash(block)
        for (level, sibling) in path.enumerated() {
            guard sibling.count == SHA256Bytes.size else { return nil }
            let isRightChild = level < UInt64.bitWidth && (index >> UInt64(level)) & 1 == 1
            node = isRightChild ? nodeHash(sibling, node) : nodeHash(node, sibling)
        }
        return node
    }
}
