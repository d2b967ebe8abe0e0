/// The solver's current guess: an ordered list of assignments (decisions and derivations), with
/// per package the intersection of its assignments, so that the relation of a term to the whole
/// list is one set operation.
struct PartialSolution {
    struct Assignment {
        let term: Term
        /// The number of decisions up to and including this assignment.
        let level: Int
        /// The incompatibility it was derived from, or -1 for a decision.
        let cause: Int
        var isDecision: Bool { cause < 0 }
    }

    enum Relation {
        case satisfied, contradicted, inconclusive
    }

    private(set) var assignments: [Assignment] = []
    /// Per package, the indices of its assignments, in order.
    private var byPackage: [[Int]] = []
    /// Per package, the intersection of its assignments; nil when it has none.
    private(set) var accumulated: [Term?] = []
    /// Per package, the decided candidate, or -1.
    private(set) var decided: [Int] = []
    private(set) var level = 0
    /// Scratch marks for ``backtrack(to:)`` (all false between calls).
    private var isTouched: [Bool] = []

    mutating func grow(to count: Int) {
        while byPackage.count < count {
            byPackage.append([])
            accumulated.append(nil)
            decided.append(-1)
            isTouched.append(false)
        }
    }

    func relation(_ term: Term) -> Relation {
        guard let current = accumulated[term.package] else {
            // No assignment: any selection, including none, is still possible.
            if term.isUniversal { return .satisfied }
            return term.isEmpty ? .contradicted : .inconclusive
        }
        if current.satisfies(term) { return .satisfied }
        if current.isDisjoint(with: term) { return .contradicted }
        return .inconclusive
    }

    func satisfies(_ term: Term) -> Bool { relation(term) == .satisfied }

    mutating func decide(package: Int, candidate: Int, set: VersionSet) {
        level += 1
        decided[package] = candidate
        append(Assignment(term: Term(package: package, isPositive: true, set: set), level: level, cause: -1))
    }

    mutating func derive(_ term: Term, cause: Int) {
        append(Assignment(term: term, level: level, cause: cause))
    }

    private mutating func append(_ assignment: Assignment) {
        let package = assignment.term.package
        byPackage[package].append(assignments.count)
        assignments.append(assignment)
        accumulated[package] = accumulated[package].map { $0.intersect(assignment.term) } ?? assignment.term
    }

    /// Removes every assignment above decision level `target`; returns the packages touched.
    mutating func backtrack(to target: Int) -> [Int] {
        var touched: [Int] = []
        while let last = assignments.last, last.level > target {
            let package = last.term.package
            assignments.removeLast()
            byPackage[package].removeLast()
            if last.isDecision { decided[package] = -1 }
            if !isTouched[package] {
                isTouched[package] = true
                touched.append(package)
            }
        }
        for package in touched { isTouched[package] = false }
        for package in touched {
            var term: Term?
            for index in byPackage[package] {
                term = term.map { $0.intersect(assignments[index].term) } ?? assignments[index].term
            }
            accumulated[package] = term
        }
        level = target
        return touched
    }

    /// The index of the earliest assignment such that the assignments up to and including it
    /// satisfy `term`; nil if they never do.
    func satisfier(of term: Term) -> Int? {
        var accumulatedTerm: Term?
        for index in byPackage[term.package] {
            let next = accumulatedTerm.map { $0.intersect(assignments[index].term) } ?? assignments[index].term
            if next.satisfies(term) { return index }
            accumulatedTerm = next
        }
        return nil
    }
}
