/// One inconsistency found by ``AuditLog/verify()``.
///
/// `sequence` is the record at which the problem shows; `relatedSequence` is the other record
/// involved, if any (see ``Kind``). `message` says what was found and where, in words.
public struct AuditProblem: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// The stored hash of record `sequence` does not match its content: a field was edited
        /// (or the stored details are not readable). `relatedSequence` is `nil`.
        case edited
        /// The `previousHash` of record `sequence` does not equal the hash of the record before it,
        /// `relatedSequence` (`nil` when `sequence` is the first record, whose previous hash must be
        /// 64 zeros). Caused by an inserted or deleted record, or one re-hashed after an edit.
        case brokenLink = "broken_link"
        /// Sequence numbers jump: records `relatedSequence + 1` through `sequence - 1` are
        /// missing (deleted). `relatedSequence` is the record before the gap, 0 at the start of
        /// the log.
        case sequenceGap = "sequence_gap"
        /// The head row does not match the newest record: the newest records were deleted, records
        /// were added after it, or the head was changed. `sequence` is the newest record in the
        /// table (0 when there is none) and `relatedSequence` the sequence the head names (`nil`
        /// when the head row is missing).
        case headMismatch = "head_mismatch"
    }

    public let kind: Kind
    public let sequence: Int64
    public let relatedSequence: Int64?
    public let message: String

    public init(kind: Kind, sequence: Int64, relatedSequence: Int64?, message: String) {
        self.kind = kind
        self.sequence = sequence
        self.relatedSequence = relatedSequence
        self.message = message
    }

    public var description: String { "\(kind.rawValue) at \(sequence): \(message)" }
}
