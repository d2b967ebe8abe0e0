/// A set of terms that must not all hold at once, with the reason it is known.
///
/// External incompatibilities state facts about packages (a dependency, an excluded version);
/// derived ones are learned during conflict resolution from two others (their causes), and
/// together they form the derivation graph that explains a failure.
struct Incompatibility: Sendable {
    /// Why the terms are incompatible.
    enum Cause: Sendable {
        /// `{not root}`: the root must be selected.
        case root
        /// The depender term's versions depend on `target` (a positive term, with the range's
        /// label). For an ordinary dependency the incompatibility is `{depender, not target}`.
        case dependency(target: Term, kind: DependencyKind)
        /// `{package version}`: the candidate is excluded on this host, for `reason`.
        case excluded(reason: String)
        /// Learned from two incompatibilities (indices into the solver's list).
        case derived(Int, Int)
    }

    /// How a dependency turned into terms.
    enum DependencyKind: Sendable {
        /// `{depender, not target}`.
        case ordinary
        /// The target package is not in the universe: `{depender}`.
        case unknownPackage
        /// The range matches none of the target's versions: `{depender}`.
        case noMatchingVersion
        /// A package depending on itself: `{depender \ target}` (only the versions that do not
        /// satisfy their own range are forbidden).
        case selfDependency
    }

    let terms: [Term]
    let cause: Cause

    var isDerived: Bool {
        if case .derived = cause { return true }
        return false
    }

    var isDependency: Bool {
        if case .dependency = cause { return true }
        return false
    }

    /// An incompatibility with at most one term per package (terms of one package intersected),
    /// terms that always hold dropped, and, when derived with more than one term, positive terms
    /// on the root dropped (the root is always selected).
    static func normalized(_ terms: [Term], cause: Cause, root: Int) -> Incompatibility {
        var merged: [Term] = []
        merged.reserveCapacity(terms.count)
        for term in terms {
            if let existing = merged.firstIndex(where: { $0.package == term.package }) {
                merged[existing] = merged[existing].intersect(term)
            } else {
                merged.append(term)
            }
        }
        merged.removeAll { $0.isUniversal }
        if case .derived = cause, merged.count > 1 {
            merged.removeAll { $0.package == root && $0.isPositive }
        }
        return Incompatibility(terms: merged, cause: cause)
    }
}
