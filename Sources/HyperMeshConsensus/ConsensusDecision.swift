/// The outcome of running every validator of a ``ConsensusEngine`` on one operation.
public struct ConsensusDecision: Sendable, Hashable {
    /// One verdict per proof kind the engine has a validator for. When several validators check
    /// the same kind, their verdicts are merged: accepted only if all of them accept.
    public let verdicts: [ProofKind: ValidatorVerdict]

    public init(verdicts: [ProofKind: ValidatorVerdict]) {
        self.verdicts = verdicts
    }

    /// The kinds the engine had no validator for; the decision is never accepted while any is missing.
    public var missingKinds: [ProofKind] {
        ProofKind.allCases.filter { verdicts[$0] == nil }
    }

    /// The kinds whose validator rejected, in ``ProofKind`` order.
    public var rejectedKinds: [ProofKind] {
        ProofKind.allCases.filter { verdicts[$0]?.isAccepted == false }
    }

    /// True only when all four kinds have a verdict and every one is an acceptance.
    public var isAccepted: Bool {
        ProofKind.allCases.allSatisfy { verdicts[$0]?.isAccepted == true }
    }

    /// One line: `accepted (space, stake, work, time)`, or `rejected: ` followed by every rejection
    /// and every missing validator, each named by its kind.
    public var summary: String {
        if isAccepted {
            return "accepted (\(ProofKind.allCases.map(\.rawValue).joined(separator: ", ")))"
        }
        var problems: [String] = []
        for kind in rejectedKinds {
            if let verdict = verdicts[kind] { problems.append("\(kind): \(verdict.message)") }
        }
        for kind in missingKinds {
            problems.append("\(kind): no \(kind) validator is configured, so no operation can be accepted; build the engine with all four validators")
        }
        return "rejected: " + problems.joined(separator: "; ")
    }
}
