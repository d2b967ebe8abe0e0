import HyperMeshManifest

/// The packages a solve has met, indexed by integers, with their candidates sorted from highest
/// to lowest precedence (the order of ``VersionSet``'s bits), and the caches the solver's inner
/// loops use: which candidates a range matches, range labels for explanations.
///
/// Package 0 is the root: one candidate whose dependencies are the request's roots. Packages are
/// fetched from the universe the first time they are named, so a solve over a large index reads
/// only the part the roots can reach.
struct PackageTable {
    static let root = 0

    let universe: any ResolverUniverse
    private(set) var ids: [String] = []
    private var indexByID: [String: Int] = [:]
    /// Per package, its candidates, highest first, one per precedence (the first listed kept).
    private(set) var candidates: [[ResolverCandidate]] = []
    /// Per package, the candidates without an exclusion.
    private(set) var eligible: [VersionSet] = []
    /// Per package, every candidate.
    private(set) var all: [VersionSet] = []
    /// Label → the range it was made from (its `text` is what explanations print).
    private(set) var labels: [VersionRange] = []
    private var labelByRange: [VersionRange: Int] = [:]
    private var rangeSets: [RangeKey: VersionSet] = [:]

    private struct RangeKey: Hashable {
        let package: Int
        let label: Int
    }

    init(universe: any ResolverUniverse, roots: [String: VersionRange]) {
        self.universe = universe
        add(id: "", candidates: [ResolverCandidate(version: SemanticVersion(0, 0, 0), dependencies: roots)])
    }

    var count: Int { ids.count }

    /// The index of `id`, fetching its candidates the first time.
    mutating func intern(_ id: String) -> Int {
        if let known = indexByID[id] { return known }
        return add(id: id, candidates: universe.candidates(of: id))
    }

    /// The index of `id` if it has been met.
    func index(of id: String) -> Int? { indexByID[id] }

    @discardableResult
    private mutating func add(id: String, candidates given: [ResolverCandidate]) -> Int {
        let index = ids.count
        ids.append(id)
        indexByID[id] = index
        // Highest first; among equal precedence the first given is kept.
        let order = given.indices.sorted { lhs, rhs in
            given[lhs].version.hasSamePrecedence(as: given[rhs].version) ? lhs < rhs : given[lhs].version > given[rhs].version
        }
        var kept: [ResolverCandidate] = []
        kept.reserveCapacity(order.count)
        for position in order where !(kept.last?.version.hasSamePrecedence(as: given[position].version) ?? false) {
            kept.append(given[position])
        }
        var eligibleSet = VersionSet.empty(count: kept.count)
        for (position, candidate) in kept.enumerated() where candidate.exclusion == nil { eligibleSet.insert(position) }
        candidates.append(kept)
        eligible.append(eligibleSet)
        all.append(.all(count: kept.count))
        return index
    }

    /// The label of `range` (ranges equal as sets of comparators share the first one's label).
    mutating func label(of range: VersionRange) -> Int {
        if let known = labelByRange[range] { return known }
        labels.append(range)
        labelByRange[range] = labels.count - 1
        return labels.count - 1
    }

    /// The candidates of `package` that `range` (by label) contains.
    mutating func set(of label: Int, in package: Int) -> VersionSet {
        let key = RangeKey(package: package, label: label)
        if let known = rangeSets[key] { return known }
        let range = labels[label]
        var set = VersionSet.empty(count: candidates[package].count)
        for (position, candidate) in candidates[package].enumerated() where range.contains(candidate.version) {
            set.insert(position)
        }
        rangeSets[key] = set
        return set
    }

    /// The name of `package` in explanations ("the root" for the root).
    func name(of package: Int) -> String { package == Self.root ? "the root" : ids[package] }
}
