/// What one validator decided about one operation.
public enum ValidatorVerdict: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The proof holds; `detail` says what was checked (for logs and the audit trail).
    case accepted(detail: String)
    /// The proof does not hold; `reason` says what was wrong and how to fix it.
    case rejected(reason: String)

    public var isAccepted: Bool {
        if case .accepted = self { return true }
        return false
    }

    /// The detail of an acceptance or the reason of a rejection.
    public var message: String {
        switch self {
        case .accepted(let detail): detail
        case .rejected(let reason): reason
        }
    }

    public var description: String {
        switch self {
        case .accepted(let detail): "accepted: \(detail)"
        case .rejected(let reason): "rejected: \(reason)"
        }
    }
}
