/// The byte string a record's hash is computed over, format version 1.
///
/// `hash = lowercase_hex(SHA-256(encoding))`: 64 characters `0-9a-f`.
///
/// Building blocks (all integers big-endian):
/// - `u64(n)`: `n` as 8 bytes, unsigned.
/// - `i64(n)`: `n` as 8 bytes, two's complement.
/// - `text(s)`: `u64(byte count of s in UTF-8)` followed by those UTF-8 bytes, exactly as stored
///   (no Unicode normalization, no terminator; an empty string is `u64(0)` alone).
///
/// The encoding is the concatenation, in this order, of:
/// 1. `text("hypermesh.audit")`: a domain tag, so these hashes cannot be confused with other
///    SHA-256 uses.
/// 2. `u64(1)`: the format version.
/// 3. `i64(sequence)`.
/// 4. `i64(time)`: whole milliseconds since 1970-01-01T00:00:00Z, the stored `time_ms`.
/// 5. `text(kind)`: the kind's raw value, e.g. `host_calls`.
/// 6. The extension id: the single byte `0x00` when absent (SQL `NULL`), or the byte `0x01`
///    followed by `text(id)` when present (an empty id is present).
/// 7. `text(message)`.
/// 8. `u64(number of details)`, then for each detail in ascending order of its key's UTF-8 bytes
///    (unsigned bytewise comparison; a key that is a prefix of another sorts first): `text(key)`
///    then `text(value)`.
/// 9. `text(previousHash)`: the 64 ASCII hex characters (64 `0` characters for sequence 1).
///
/// Every variable-length field carries its length and the fields come in a fixed order, so two
/// different records never have the same encoding (moving a field boundary changes a length).
///
/// Test vector: sequence 1, time 1700000000000, kind `lifecycle`, extension id `com.example.a`,
/// message `loaded`, details `{"b": "2", "a": "1"}`, previous hash 64 zeros, has the hash
/// `e22cbe091a81a4765fefc46d059241d4b38e5a1ebf112e6eb01c57154e6054f2`.
struct AuditCanonicalEncoding {
    static let formatVersion: UInt64 = 1
    static let domainTag = "hypermesh.audit"

    private(set) var bytes: [UInt8] = []

    init() {
        bytes.reserveCapacity(512)
    }

    /// Replaces `bytes` with the encoding of the given fields, reusing the buffer.
    mutating func encode(
        sequence: Int64, timeMilliseconds: Int64, kind: String, extensionID: String?, message: String,
        details: [String: String], previousHash: String
    ) {
        let content = Self.content(
            kind: kind, extensionID: extensionID, message: message, sortedDetails: Self.sortedByUTF8Key(details))
        encode(sequence: sequence, timeMilliseconds: timeMilliseconds, content: content, previousHash: previousHash)
    }

    /// Replaces `bytes` with the encoding of a record whose fields 5 to 8 were encoded beforehand
    /// by ``content(kind:extensionID:message:sortedDetails:)``, reusing the buffer.
    mutating func encode(sequence: Int64, timeMilliseconds: Int64, content: [UInt8], previousHash: String) {
        bytes.removeAll(keepingCapacity: true)
        Self.appendText(Self.domainTag, to: &bytes)
        Self.appendUInt64(Self.formatVersion, to: &bytes)
        Self.appendUInt64(UInt64(bitPattern: sequence), to: &bytes)
        Self.appendUInt64(UInt64(bitPattern: timeMilliseconds), to: &bytes)
        bytes.append(contentsOf: content)
        Self.appendText(previousHash, to: &bytes)
    }

    /// Fields 5 to 8 (kind, extension id, message, details): the part of the encoding that does
    /// not depend on the record's time or place in the chain, so a caller's thread can compute it
    /// before the entry is queued. `sortedDetails` must be in the order of ``sortedByUTF8Key(_:)``.
    static func content(
        kind: String, extensionID: String?, message: String, sortedDetails: [(key: String, value: String)]
    ) -> [UInt8] {
        var content: [UInt8] = []
        content.reserveCapacity(64 + kind.utf8.count + (extensionID?.utf8.count ?? 0) + message.utf8.count)
        appendText(kind, to: &content)
        if let extensionID {
            content.append(0x01)
            appendText(extensionID, to: &content)
        } else {
            content.append(0x00)
        }
        appendText(message, to: &content)
        appendUInt64(UInt64(sortedDetails.count), to: &content)
        for (key, value) in sortedDetails {
            appendText(key, to: &content)
            appendText(value, to: &content)
        }
        return content
    }

    /// The details in ascending order of their keys' UTF-8 bytes.
    static func sortedByUTF8Key(_ details: [String: String]) -> [(key: String, value: String)] {
        details.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }

    private static func appendUInt64(_ value: UInt64, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    private static func appendText(_ text: String, to bytes: inout [UInt8]) {
        appendUInt64(UInt64(text.utf8.count), to: &bytes)
        bytes.append(contentsOf: text.utf8)
    }
}
