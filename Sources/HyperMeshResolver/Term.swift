/// A statement about one package: "`package` is selected with a version in `set`" (positive) or
/// "`package` is not selected with a version in `set`" (negative, which also holds when the
/// package is not selected at all).
struct Term: Sendable, Equatable {
    let package: Int
    let isPositive: Bool
    let set: VersionSet
    /// The range text the set came from (an index into the solver's labels), or -1. Kept through
    /// set operations only while the set is unchanged, so an explanation can say `b ^2.0.0`
    /// rather than listing versions.
    let label: Int

    init(package: Int, isPositive: Bool, set: VersionSet, label: Int = -1) {
        self.package = package
        self.isPositive = isPositive
        self.set = set
        self.label = label
    }

    var inverse: Term { Term(package: package, isPositive: !isPositive, set: set, label: label) }

    /// True for a positive term with no version: it can never hold.
    var isEmpty: Bool { isPositive && set.isEmpty }

    /// True for a negative term with no version: it always holds.
    var isUniversal: Bool { !isPositive && set.isEmpty }

    /// The versions allowed by both terms (same package).
    func intersect(_ other: Term) -> Term {
        let result: Term
        switch (isPositive, other.isPositive) {
        case (true, true): result = Term(package: package, isPositive: true, set: set.intersection(other.set))
        case (true, false): result = Term(package: package, isPositive: true, set: set.subtracting(other.set))
        case (false, true): result = Term(package: package, isPositive: true, set: other.set.subtracting(set))
        case (false, false): result = Term(package: package, isPositive: false, set: set.union(other.set))
        }
        return result.labelled(from: self, other)
    }

    /// The versions allowed by this term and not by `other`.
    func difference(_ other: Term) -> Term { intersect(other.inverse) }

    /// Whether every selection this term allows is allowed by `other` (this ⊆ other).
    func satisfies(_ other: Term) -> Bool {
        switch (isPositive, other.isPositive) {
        case (true, true): return set.isSubset(of: other.set)
        case (true, false): return set.isDisjoint(with: other.set)
        case (false, true): return false
        case (false, false): return other.set.isSubset(of: set)
        }
    }

    /// Whether no selection is allowed by both terms.
    func isDisjoint(with other: Term) -> Bool {
        switch (isPositive, other.isPositive) {
        case (true, true): return set.isDisjoint(with: other.set)
        case (true, false): return set.isSubset(of: other.set)
        case (false, true): return other.set.isSubset(of: set)
        case (false, false): return false
        }
    }

    /// This term with the label of `first` or `second` if its set is theirs.
    private func labelled(from first: Term, _ second: Term) -> Term {
        if first.label >= 0 && first.set == set { return Term(package: package, isPositive: isPositive, set: set, label: first.label) }
        if second.label >= 0 && second.set == set { return Term(package: package, isPositive: isPositive, set: set, label: second.label) }
        return self
    }
}
