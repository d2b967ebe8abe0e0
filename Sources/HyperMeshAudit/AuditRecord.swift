import Foundation

/// One record as stored in the audit log: an ``AuditEntry`` plus its place in the hash chain.
///
/// - `sequence` starts at 1 and has no gaps in an untampered log.
/// - `time` is the wall-clock time at which `append` or `enqueue` was called, rounded to the
///   nearest millisecond (it is stored as integer milliseconds since 1970). It is taken in sequence order,
///   so it does not decrease along the chain unless the system clock is set back; nothing makes it
///   strictly increasing, and several records may share one millisecond.
/// - `previousHash` is the `hash` of the record with the previous sequence number, or 64 zeros for
///   the first record. `hash` is defined in ``AuditCanonicalEncoding``: both are 64 lowercase
///   hexadecimal characters.
public struct AuditRecord: Sendable, Equatable, Codable {
    public let sequence: Int64
    public let time: Date
    public let kind: AuditKind
    public let extensionID: String?
    public let message: String
    public let details: [String: String]
    public let previousHash: String
    public let hash: String

    public init(
        sequence: Int64, time: Date, kind: AuditKind, extensionID: String?, message: String,
        details: [String: String], previousHash: String, hash: String
    ) {
        self.sequence = sequence
        self.time = time
        self.kind = kind
        self.extensionID = extensionID
        self.message = message
        self.details = details
        self.previousHash = previousHash
        self.hash = hash
    }

    /// `time` as stored: whole milliseconds since 1970-01-01T00:00:00Z.
    public var timeMilliseconds: Int64 { AuditTime.milliseconds(of: time) }

    /// The previous hash of the first record of every chain: 64 zeros.
    public static let genesisHash = String(repeating: "0", count: 64)
}
