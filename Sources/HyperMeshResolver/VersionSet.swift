/// A set of versions of one package, as a bitset over that package's known candidates.
///
/// Bit `i` stands for the package's `i`-th candidate, candidates sorted from highest to lowest
/// precedence, so the lowest set bit is the highest version. Why a bitset rather than intervals
/// of ``HyperMeshManifest/SemanticVersion``:
/// - it is exact: a version range is matched against each candidate with `VersionRange.contains`,
///   so the pre-release rule (a pre-release matches only a comparator naming the same
///   `MAJOR.MINOR.PATCH`), which is not an interval, needs no second implementation;
/// - only known candidates can ever be chosen, so sets over them lose nothing the solver needs;
/// - intersection, union, complement and subset tests are a few word operations, with no
///   allocation for packages of up to 64 versions (the common case).
///
/// Not guaranteed: that sets of two different packages can be combined (they have different
/// widths; the solver never mixes them).
struct VersionSet: Hashable, Sendable {
    /// Candidates 0..<64.
    private(set) var low: UInt64
    /// Candidates from 64 on, 64 per word; nil for packages of up to 64 candidates (so copying
    /// a set costs no reference counting).
    private(set) var high: [UInt64]?

    private init(low: UInt64, high: [UInt64]?) {
        self.low = low
        self.high = high
    }

    /// The empty set for a package of `count` candidates.
    static func empty(count: Int) -> VersionSet {
        VersionSet(low: 0, high: count <= 64 ? nil : [UInt64](repeating: 0, count: (count - 64 + 63) / 64))
    }

    /// Every candidate of a package of `count` candidates.
    static func all(count: Int) -> VersionSet {
        var set = empty(count: count)
        for index in 0..<count { set.insert(index) }
        return set
    }

    /// The one candidate `index` of a package of `count` candidates.
    static func single(_ index: Int, count: Int) -> VersionSet {
        var set = empty(count: count)
        set.insert(index)
        return set
    }

    mutating func insert(_ index: Int) {
        if index < 64 { low |= 1 << UInt64(index) } else { high![(index - 64) / 64] |= 1 << UInt64((index - 64) % 64) }
    }

    func contains(_ index: Int) -> Bool {
        if index < 64 { return low & (1 << UInt64(index)) != 0 }
        guard let high, (index - 64) / 64 < high.count else { return false }
        return high[(index - 64) / 64] & (1 << UInt64((index - 64) % 64)) != 0
    }

    var isEmpty: Bool { low == 0 && (high?.allSatisfy { $0 == 0 } ?? true) }

    var count: Int { low.nonzeroBitCount + (high?.reduce(0) { $0 + $1.nonzeroBitCount } ?? 0) }

    /// The lowest index in the set (the highest version), or nil.
    var first: Int? {
        if low != 0 { return low.trailingZeroBitCount }
        for (word, bits) in (high ?? []).enumerated() where bits != 0 { return 64 + word * 64 + bits.trailingZeroBitCount }
        return nil
    }

    /// The indices in the set, ascending (versions from highest to lowest).
    var indices: [Int] {
        var result: [Int] = []
        var bits = low
        while bits != 0 {
            result.append(bits.trailingZeroBitCount)
            bits &= bits - 1
        }
        for (word, wordBits) in (high ?? []).enumerated() {
            var bits = wordBits
            while bits != 0 {
                result.append(64 + word * 64 + bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
        return result
    }

    func intersection(_ other: VersionSet) -> VersionSet {
        guard let high, let otherHigh = other.high else { return VersionSet(low: low & other.low, high: nil) }
        return VersionSet(low: low & other.low, high: zip(high, otherHigh).map { $0 & $1 })
    }

    func union(_ other: VersionSet) -> VersionSet {
        guard let high, let otherHigh = other.high else { return VersionSet(low: low | other.low, high: nil) }
        return VersionSet(low: low | other.low, high: zip(high, otherHigh).map { $0 | $1 })
    }

    func subtracting(_ other: VersionSet) -> VersionSet {
        guard let high, let otherHigh = other.high else { return VersionSet(low: low & ~other.low, high: nil) }
        return VersionSet(low: low & ~other.low, high: zip(high, otherHigh).map { $0 & ~$1 })
    }

    func isSubset(of other: VersionSet) -> Bool {
        if low & ~other.low != 0 { return false }
        if let high, let otherHigh = other.high {
            for (mine, theirs) in zip(high, otherHigh) where mine & ~theirs != 0 { return false }
        }
        return true
    }

    func isDisjoint(with other: VersionSet) -> Bool {
        if low & other.low != 0 { return false }
        if let high, let otherHigh = other.high {
            for (mine, theirs) in zip(high, otherHigh) where mine & theirs != 0 { return false }
        }
        return true
    }
}
