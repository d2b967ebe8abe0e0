/// The four proofs an operation needs before it is applied.
public enum ProofKind: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    /// The node keeps (or recomputes) a storage plot it committed to ahead of time. See ``SpaceValidator``.
    case space
    /// The node holds a key with enough stake in the ledger and signed the operation. See ``StakeValidator``.
    case stake
    /// The node spent CPU work bound to the operation. See ``WorkValidator``.
    case work
    /// The node ran a sequential hash chain from the operation, and the operation is fresh. See ``TimeValidator``.
    case time

    public var description: String { rawValue }

    /// Orders kinds as `allCases` lists them (space, stake, work, time), for stable reports.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.rank < rhs.rank
    }

    private var rank: Int {
        switch self {
        case .space: 0
        case .stake: 1
        case .work: 2
        case .time: 3
        }
    }
}
