/// The result of walking the whole chain with ``AuditLog/verify()``.
///
/// `headSequence` and `headHash` are those stored in the head row (0 and 64 zeros for an empty
/// log, or when the head row is missing). Record `headHash` somewhere the log's writer cannot
/// change (another machine, a signed report): comparing it later with a new verification shows
/// whether the chain up to that point was rebuilt.
///
/// What an intact result does NOT prove: the log is tamper-evident, not tamper-proof. Someone who
/// can write the file can rewrite every record and recompute every hash and the head, and the
/// result is again intact; only a head hash kept elsewhere exposes that. Records lost before they
/// were committed (see ``AuditDurability``) leave no trace.
public struct AuditVerification: Sendable, Equatable {
    /// Rows in the record table.
    public let recordCount: Int64
    public let headSequence: Int64
    public let headHash: String
    /// In the order found: by sequence, then the head check last.
    public let problems: [AuditProblem]

    public init(recordCount: Int64, headSequence: Int64, headHash: String, problems: [AuditProblem]) {
        self.recordCount = recordCount
        self.headSequence = headSequence
        self.headHash = headHash
        self.problems = problems
    }

    /// `true` when no problem was found.
    public var isIntact: Bool { problems.isEmpty }
}
