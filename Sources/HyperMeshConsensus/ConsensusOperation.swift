import Foundation

/// An operation that an extension submits and that is applied only if the four proofs accept it.
///
/// The timestamp is kept in whole milliseconds since 1970-01-01T00:00:00Z (sub-millisecond parts
/// are rounded to the nearest millisecond on creation), so that an operation, its JSON form and
/// its ``digest`` agree exactly.
///
/// ## Canonical encoding
/// ``canonicalEncoding`` is, with `‖` for concatenation, `u64le(n)` for `n` as 8 bytes
/// little-endian, `i64le(n)` for `n` as 8 bytes little-endian two's complement and
/// `field(b) = u64le(byte count of b) ‖ b`:
///
///     field(UTF-8 of "hypermesh.consensus.operation.v1")
///     ‖ field(UTF-8 of kind)
///     ‖ field(UTF-8 of submitter)
///     ‖ field(payload)
///     ‖ i64le(timestamp in milliseconds since 1970)
///
/// Every variable-length field carries its length, so no two different operations share an
/// encoding (moving bytes from one field into the next changes a length). ``digest`` is the
/// SHA-256 of this encoding.
///
/// Strings are taken byte for byte: two strings that Swift compares as equal under Unicode
/// canonical equivalence but spell differently in UTF-8 give different digests, and the operations
/// are then not equal (equality and hashing follow the canonical encoding). Submitters should send
/// NFC text.
///
/// JSON form: `{"kind": …, "submitter": …, "payload": "<lowercase hex>", "timestamp": <milliseconds>}`.
public struct ConsensusOperation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The domain tag that opens the canonical encoding; a new encoding gets a new tag.
    public static let encodingTag = "hypermesh.consensus.operation.v1"

    /// What the operation does, for example `"catalog.package.install"`.
    public let kind: String
    /// The id of the extension that submitted it.
    public let submitter: String
    /// The operation's arguments, opaque to consensus.
    public let payload: [UInt8]
    /// When the operation was made, in whole milliseconds since 1970 (see ``timestamp``).
    public let timestampMilliseconds: Int64

    public init(kind: String, submitter: String, payload: [UInt8], timestamp: Date = Date()) {
        self.init(kind: kind, submitter: submitter, payload: payload,
                  timestampMilliseconds: Self.milliseconds(since1970: timestamp))
    }

    public init(kind: String, submitter: String, payload: [UInt8], timestampMilliseconds: Int64) {
        self.kind = kind
        self.submitter = submitter
        self.payload = payload
        self.timestampMilliseconds = timestampMilliseconds
    }

    /// When the operation was made, at millisecond precision.
    public var timestamp: Date {
        Date(timeIntervalSince1970: Double(timestampMilliseconds) / 1000)
    }

    /// The canonical byte encoding documented on the type.
    public var canonicalEncoding: [UInt8] {
        ByteEncoding.lengthPrefixed(Array(Self.encodingTag.utf8))
            + ByteEncoding.lengthPrefixed(Array(kind.utf8))
            + ByteEncoding.lengthPrefixed(Array(submitter.utf8))
            + ByteEncoding.lengthPrefixed(payload)
            + ByteEncoding.int64LittleEndian(timestampMilliseconds)
    }

    /// SHA-256 of ``canonicalEncoding``: the 32 bytes every proof is bound to.
    public var digest: [UInt8] {
        SHA256Bytes.hash(canonicalEncoding)
    }

    public var description: String {
        "\(kind) by \(submitter) at \(timestampMilliseconds) ms (\(payload.count) payload bytes, digest \(HexBytes.encode(digest)))"
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.canonicalEncoding == rhs.canonicalEncoding
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(canonicalEncoding)
    }

    /// Whole milliseconds since 1970, rounded to nearest; non-finite dates count as 0 and dates
    /// beyond the range of `Int64` milliseconds are clamped to it.
    static func milliseconds(since1970 date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded()
        guard value.isFinite else { return 0 }
        if value >= 9.2e18 { return Int64.max }
        if value <= -9.2e18 { return Int64.min }
        return Int64(value)
    }
}

extension ConsensusOperation {
    private enum CodingKeys: String, CodingKey {
        case kind, submitter, payload, timestamp
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            kind: try container.decode(String.self, forKey: .kind),
            submitter: try container.decode(String.self, forKey: .submitter),
            payload: try container.decodeHex(forKey: .payload),
            timestampMilliseconds: try container.decode(Int64.self, forKey: .timestamp))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(submitter, forKey: .submitter)
        try container.encodeHex(payload, forKey: .payload)
        try container.encode(timestampMilliseconds, forKey: .timestamp)
    }
}
