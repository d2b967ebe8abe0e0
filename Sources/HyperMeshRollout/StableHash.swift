/// A 64-bit hash that is the same in every process and on every platform: FNV-1a 64 over the
/// UTF-8 bytes, then the splitmix64 finaliser to spread the bits. Used where nodes must agree
/// without talking (wave membership, peer spread). Not Swift's `Hasher`, which is seeded per
/// process. Not guaranteed: resistance to chosen inputs (it is not a cryptographic hash).
public enum StableHash {
    /// FNV-1a 64 of `text`'s UTF-8 bytes, finalised with splitmix64.
    public static func hash(_ text: String) -> UInt64 {
        mix(fnv1a(text))
    }

    /// FNV-1a 64 of `text`'s UTF-8 bytes (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
    public static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// The splitmix64 finaliser (Stafford's mix13 constants).
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// `value` mapped to [0, 1) using its top 53 bits.
    public static func unitInterval(_ value: UInt64) -> Double {
        Double(value >> 11) * 0x1p-53
    }
}
