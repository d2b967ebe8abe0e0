import Crypto

/// SHA-256 as plain byte arrays, the one hash function of the four proofs.
enum SHA256Bytes {
    /// The digest size in bytes.
    static let size = 32

    /// SHA-256 of `bytes`.
    static func hash(_ bytes: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: bytes))
    }

    /// SHA-256 over the concatenation of `parts`, without building the concatenation.
    static func hash(concatenating parts: [UInt8]...) -> [UInt8] {
        var hasher = SHA256()
        for part in parts { hasher.update(data: part) }
        return Array(hasher.finalize())
    }

    /// `bytes` hashed `rounds` times in sequence: `rounds == 0` gives `bytes` back unchanged.
    static func iterated(_ bytes: [UInt8], rounds: UInt64) -> [UInt8] {
        guard rounds > 0 else { return bytes }
        var digest = SHA256.hash(data: bytes)
        var remaining = rounds - 1
        while remaining > 0 {
            var hasher = SHA256()
            digest.withUnsafeBytes { hasher.update(bufferPointer: $0) }
            digest = hasher.finalize()
            remaining -= 1
        }
        return Array(digest)
    }
}
