import Crypto

/// Computes record hashes as specified by ``AuditCanonicalEncoding``, reusing one buffer.
///
/// Not thread-safe: each writer or verifier owns its own hasher.
struct AuditRecordHasher {
    private var encoding = AuditCanonicalEncoding()

    mutating func hash(
        sequence: Int64, timeMilliseconds: Int64, kind: String, extensionID: String?, message: String,
        details: [String: String], previousHash: String
    ) -> String {
        encoding.encode(
            sequence: sequence, timeMilliseconds: timeMilliseconds, kind: kind, extensionID: extensionID,
            message: message, details: details, previousHash: previousHash)
        return Self.lowercaseHex(SHA256.hash(data: encoding.bytes))
    }

    /// The hash of a queued entry's record, from its precomputed content.
    mutating func hash(sequence: Int64, pending: AuditPendingEntry, previousHash: String) -> String {
        encoding.encode(
            sequence: sequence, timeMilliseconds: pending.timeMilliseconds, content: pending.canonicalContent,
            previousHash: previousHash)
        return Self.lowercaseHex(SHA256.hash(data: encoding.bytes))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func lowercaseHex(_ digest: SHA256.Digest) -> String {
        digest.withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: bytes.count * 2) { characters in
                for (index, byte) in bytes.enumerated() {
                    characters[2 * index] = hexDigits[Int(byte >> 4)]
                    characters[2 * index + 1] = hexDigits[Int(byte & 0x0F)]
                }
                return bytes.count * 2
            }
        }
    }
}
