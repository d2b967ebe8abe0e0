/// A tiny seeded random number generator (splitmix64): the same seed gives the same sequence on
/// every platform and Swift version, which is what a reproducible simulation needs. Not
/// guaranteed: statistical quality beyond simulation use; never use it for secrets.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A double in [0, 1).
    public mutating func nextUnit() -> Double {
        StableHash.unitInterval(next())
    }

    /// An integer in 0..<bound (bound > 0), by multiply-shift (negligible bias for simulation sizes).
    public mutating func nextIndex(below bound: Int) -> Int {
        precondition(bound > 0)
        return Int((UInt64(bound).multipliedFullWidth(by: next())).high)
    }

    /// A permutation of 0..<count (Fisher–Yates with this generator: stable across Swift versions,
    /// unlike `shuffled(using:)`, whose algorithm is not specified).
    public mutating func permutation(of count: Int) -> [Int] {
        var values = Array(0..<count)
        if count < 2 { return values }
        for i in stride(from: count - 1, to: 0, by: -1) {
            values.swapAt(i, nextIndex(below: i + 1))
        }
        return values
    }
}
