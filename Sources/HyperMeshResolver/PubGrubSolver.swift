import HyperMeshManifest

/// A conflict-driven version solver: PubGrub, as described in the Dart package manager's
/// `doc/solver.md`.
///
/// The solver keeps a partial solution (decisions and derived terms) and a growing set of
/// incompatibilities (sets of terms that must not all hold). It alternates unit propagation
/// (derive what the incompatibilities force) and decision making (pick a version for a package
/// that must be selected), and on a conflict learns the root cause as a new incompatibility and
/// jumps back to where that cause becomes relevant. When the root itself becomes incompatible,
/// the derivation graph of that last incompatibility is the explanation (see ``ResolverFailure``).
///
/// Choices:
/// - the next package decided is the one with the fewest usable versions (ties: the one met
///   first), so conflicts show early;
/// - its version is the preferred one (``ResolverRequest/preferred``) when allowed and eligible,
///   else the highest allowed eligible one; pre-releases are allowed only by ranges that name
///   them (`VersionRange.contains`);
/// - dependencies become incompatibilities lazily, when a version is tried, and a dependency
///   shared by adjacent versions becomes one incompatibility over all of them;
/// - excluded candidates (``ResolverCandidate/exclusion``) are never chosen; the fact that they
///   are excluded is added, with its reason, only when nothing else is left.
///
/// A solution is complete: every dependency of every chosen version is satisfied by another
/// chosen version. A solution whose versions depend on each other in a cycle is refused with
/// `resolve.dependency_cycle` (extensions load in dependency order). Not guaranteed: that the
/// solver looks for a different, acyclic solution when the one it found has a cycle.
///
/// A solve is synchronous and CPU-bound; callers on the cooperative pool should run large solves
/// off it.
public struct PubGrubSolver: Sendable {
    let universe: any ResolverUniverse

    public init(universe: some ResolverUniverse) {
        self.universe = universe
    }

    /// Chooses one version of every package `request` needs, or explains why there is none.
    public func solve(_ request: ResolverRequest) throws(ResolverFailure) -> ResolverSolution {
        var run = SolverRun(universe: universe, request: request)
        return try run.solve()
    }
}

/// The state of one solve.
struct SolverRun {
    private var table: PackageTable
    private let preferred: [String: SemanticVersion]
    private var solution = PartialSolution()
    private(set) var incompatibilities: [Incompatibility] = []
    /// Per package, the incompatibilities that mention it, oldest first.
    private var mentions: [[Int]] = []
    private var queue = PackageQueue()
    /// Dependencies already turned into incompatibilities: (package, first candidate of the run,
    /// target) → the incompatibility.
    private var addedDependencies: [DependencyKey: Int] = [:]
    /// Per package and candidate, its dependency incompatibilities once computed (a candidate is
    /// often tried again after backjumping).
    private var candidateDependencies: [[[Int]?]] = []
    /// Per package, the excluded candidates whose exclusion has been added.
    private var addedExclusions: [VersionSet] = []
    /// Scratch marks for ``propagate(from:)``: the packages waiting to be propagated.
    private var isPending: [Bool] = []

    private struct DependencyKey: Hashable {
        let package: Int
        let runStart: Int
        let target: Int
    }

    init(universe: any ResolverUniverse, request: ResolverRequest) {
        table = PackageTable(universe: universe, roots: request.roots)
        preferred = request.preferred
        grow()
    }

    private mutating func grow() {
        solution.grow(to: table.count)
        while mentions.count < table.count {
            mentions.append([])
            isPending.append(false)
            addedExclusions.append(.empty(count: table.candidates[mentions.count - 1].count))
            candidateDependencies.append([[Int]?](repeating: nil, count: table.candidates[mentions.count - 1].count))
        }
    }

    private mutating func intern(_ id: String) -> Int {
        let index = table.intern(id)
        if index >= mentions.count { grow() }
        return index
    }

    mutating func solve() throws(ResolverFailure) -> ResolverSolution {
        let root = PackageTable.root
        add(Incompatibility(terms: [Term(package: root, isPositive: false, set: table.all[root])], cause: .root))
        var next: Int? = root
        while let package = next {
            try propagate(from: package)
            next = decideNext()
        }
        return try makeSolution()
    }

    @discardableResult
    private mutating func add(_ incompatibility: Incompatibility) -> Int {
        let index = incompatibilities.count
        incompatibilities.append(incompatibility)
        for term in incompatibility.terms { mentions[term.package].append(index) }
        return index
    }

    // MARK: Unit propagation

    private enum PropagationResult {
        case none, conflict, derived(Int)
    }

    private mutating func propagate(from package: Int) throws(ResolverFailure) {
        var changed = [package]
        isPending[package] = true
        defer { for waiting in changed { isPending[waiting] = false } }
        while let current = changed.popLast() {
            isPending[current] = false
            let list = mentions[current]
            // Newest first: learned incompatibilities are the most general.
            scan: for index in list.reversed() {
                switch propagate(index) {
                case .none: continue
                case .derived(let derived):
                    if !isPending[derived] {
                        isPending[derived] = true
                        changed.append(derived)
                    }
                case .conflict:
                    let rootCause = try resolveConflict(index)
                    guard case .derived(let derived) = propagate(rootCause) else {
                        preconditionFailure("a learned incompatibility is almost satisfied after backjumping")
                    }
                    for waiting in changed { isPending[waiting] = false }
                    changed = [derived]
                    isPending[derived] = true
                    break scan
                }
            }
        }
    }

    /// Derives the negation of the one inconclusive term of `index` if every other term holds.
    private mutating func propagate(_ index: Int) -> PropagationResult {
        var unsatisfied: Term?
        for term in incompatibilities[index].terms {
            switch solution.relation(term) {
            case .contradicted: return .none
            case .inconclusive:
                if unsatisfied != nil { return .none }
                unsatisfied = term
            case .satisfied: continue
            }
        }
        guard let unsatisfied else { return .conflict }
        derive(unsatisfied.inverse, cause: index)
        return .derived(unsatisfied.package)
    }

    private mutating func derive(_ term: Term, cause: Int) {
        solution.derive(term, cause: cause)
        enqueue(term.package)
    }

    /// Queues `package` for a decision if it must be selected and is not decided yet.
    private mutating func enqueue(_ package: Int) {
        guard solution.decided[package] < 0, let current = solution.accumulated[package], current.isPositive else { return }
        queue.push(count: current.set.intersection(table.eligible[package]).count, package: package)
    }

    // MARK: Conflict resolution

    /// Learns the root cause of the conflict `index` (an incompatibility the partial solution
    /// satisfies) and backjumps; returns the learned incompatibility, which the partial solution
    /// then almost satisfies.
    private mutating func resolveConflict(_ conflict: Int) throws(ResolverFailure) -> Int {
        var current = conflict
        while true {
            let incompatibility = incompatibilities[current]
            if isFailure(incompatibility) { throw failure(current) }

            var satisfierIndex = -1
            var satisfierTerm: Term?
            var difference: Term?
            var previousLevel = 1
            for term in incompatibility.terms {
                guard let satisfier = solution.satisfier(of: term) else {
                    preconditionFailure("a conflicting incompatibility's term is not satisfied")
                }
                if satisfier > satisfierIndex {
                    if satisfierIndex >= 0 { previousLevel = max(previousLevel, solution.assignments[satisfierIndex].level) }
                    satisfierIndex = satisfier
                    satisfierTerm = term
                    difference = nil
                } else {
                    previousLevel = max(previousLevel, solution.assignments[satisfier].level)
                }
                if satisfierTerm == term {
                    let rest = solution.assignments[satisfierIndex].term.difference(term)
                    if !rest.isEmpty {
                        difference = rest
                        if let earlier = solution.satisfier(of: rest.inverse) {
                            previousLevel = max(previousLevel, solution.assignments[earlier].level)
                        }
                    }
                }
            }
            let satisfier = solution.assignments[satisfierIndex]
            if satisfier.isDecision || previousLevel != satisfier.level {
                if current != conflict { add(incompatibility: current) }
                for package in solution.backtrack(to: previousLevel) { enqueue(package) }
                return current
            }
            guard let satisfierTerm else { preconditionFailure("a conflict without terms is a failure") }
            var terms = incompatibility.terms.filter { $0.package != satisfierTerm.package }
            terms += incompatibilities[satisfier.cause].terms.filter { $0.package != satisfier.term.package }
            if let difference { terms.append(difference.inverse) }
            let derived = Incompatibility.normalized(terms, cause: .derived(current, satisfier.cause), root: PackageTable.root)
            incompatibilities.append(derived)
            current = incompatibilities.count - 1
        }
    }

    /// Indexes an incompatibility already in the list (learned during conflict resolution).
    private mutating func add(incompatibility index: Int) {
        for term in incompatibilities[index].terms { mentions[term.package].append(index) }
    }

    private func isFailure(_ incompatibility: Incompatibility) -> Bool {
        incompatibility.terms.isEmpty
            || (incompatibility.terms.count == 1 && incompatibility.terms[0].isPositive
                && incompatibility.terms[0].package == PackageTable.root)
    }

    private func failure(_ index: Int) -> ResolverFailure {
        FailureReport(incompatibilities: incompatibilities, table: table, root: index).failure()
    }

    // MARK: Decision making

    /// Tries a version for the next package that must be selected; returns that package (for
    /// propagation), or nil when every package that must be selected is decided.
    private mutating func decideNext() -> Int? {
        while let entry = queue.pop() {
            let package = entry.package
            guard solution.decided[package] < 0, let allowed = solution.accumulated[package], allowed.isPositive else { continue }
            let usable = allowed.set.intersection(table.eligible[package])
            guard usable.count == entry.count else { continue }
            defer { enqueue(package) }
            guard let candidate = choose(package, from: usable) else {
                // Only excluded versions are left: state why each cannot be chosen.
                for index in allowed.set.subtracting(addedExclusions[package]).indices {
                    addedExclusions[package].insert(index)
                    let single = VersionSet.single(index, count: table.candidates[package].count)
                    let reason = table.candidates[package][index].exclusion ?? ""
                    add(Incompatibility(terms: [Term(package: package, isPositive: true, set: single)], cause: .excluded(reason: reason)))
                }
                return package
            }
            var conflict = false
            for index in dependencyIncompatibilities(of: package, candidate: candidate) {
                conflict = conflict || incompatibilities[index].terms.allSatisfy { $0.package == package || solution.satisfies($0) }
            }
            if !conflict {
                solution.decide(package: package, candidate: candidate, set: .single(candidate, count: table.candidates[package].count))
            }
            return package
        }
        return nil
    }

    /// The preferred version if usable, else the highest usable one.
    private func choose(_ package: Int, from usable: VersionSet) -> Int? {
        if let version = preferred[table.ids[package]],
           let index = table.candidates[package].firstIndex(where: { $0.version.hasSamePrecedence(as: version) }),
           usable.contains(index) {
            return index
        }
        return usable.first
    }

    /// The incompatibilities for the dependencies of `candidate`, added the first time.
    private mutating func dependencyIncompatibilities(of package: Int, candidate: Int) -> [Int] {
        if let known = candidateDependencies[package][candidate] { return known }
        var result: [Int] = []
        let dependencies = table.candidates[package][candidate].dependencies
        for targetID in dependencies.keys.sorted() {
            let range = dependencies[targetID]!
            let versions = table.candidates[package]
            var start = candidate
            while start > 0 && versions[start - 1].dependencies[targetID] == range { start -= 1 }
            let target = intern(targetID)
            let key = DependencyKey(package: package, runStart: start, target: target)
            if let existing = addedDependencies[key] {
                result.append(existing)
                continue
            }
            var end = candidate
            while end + 1 < versions.count && versions[end + 1].dependencies[targetID] == range { end += 1 }
            var run = VersionSet.empty(count: versions.count)
            for index in start...end { run.insert(index) }

            let label = table.label(of: range)
            let targetSet = table.set(of: label, in: target)
            let targetTerm = Term(package: target, isPositive: true, set: targetSet, label: label)
            let depender = Term(package: package, isPositive: true, set: run)
            let incompatibility: Incompatibility
            if target == package {
                let forbidden = run.subtracting(targetSet)
                if forbidden.isEmpty { continue }
                incompatibility = Incompatibility(
                    terms: [Term(package: package, isPositive: true, set: forbidden)],
                    cause: .dependency(target: targetTerm, kind: .selfDependency))
            } else if table.candidates[target].isEmpty {
                incompatibility = Incompatibility(terms: [depender], cause: .dependency(target: targetTerm, kind: .unknownPackage))
            } else if targetSet.isEmpty {
                incompatibility = Incompatibility(terms: [depender], cause: .dependency(target: targetTerm, kind: .noMatchingVersion))
            } else {
                incompatibility = Incompatibility(terms: [depender, targetTerm.inverse], cause: .dependency(target: targetTerm, kind: .ordinary))
            }
            let index = add(incompatibility)
            addedDependencies[key] = index
            result.append(index)
        }
        candidateDependencies[package][candidate] = result
        return result
    }

    // MARK: Solution

    private func makeSolution() throws(ResolverFailure) -> ResolverSolution {
        var selected: [(id: String, candidate: ResolverCandidate)] = []
        for package in 1..<table.count where solution.decided[package] >= 0 {
            selected.append((table.ids[package], table.candidates[package][solution.decided[package]]))
        }
        selected.sort { $0.id < $1.id }
        let order = try LoadOrder(ids: selected.map(\.id), dependencies: selected.map { Array($0.candidate.dependencies.keys) },
                                  versions: selected.map(\.candidate.version)).order()
        var versions: [String: SemanticVersion] = [:]
        for entry in selected { versions[entry.id] = entry.candidate.version }
        return ResolverSolution(versions: versions, order: order)
    }
}
