import HyperMeshManifest

/// The available versions, indexed by integers for the resolver's inner loops.
///
/// Ids (available ones and those only named as dependencies) are sorted, and an id's index is its
/// rank, so comparing indices compares ids.
struct ResolverIndex: Sendable {
    /// A dependency of one version on another id.
    struct Edge: Sendable {
        let target: Int
        let range: VersionRange
    }

    /// One available version with its dependencies resolved to indices.
    struct Candidate: Sendable {
        let node: DependencyNode
        /// Sorted by target, one per target.
        let dependencies: [Edge]
        let supportsHost: Bool
    }

    let ids: [String]
    let indexByID: [String: Int]
    /// Per id, its versions from highest to lowest; empty for ids that are only named as dependencies.
    let versions: [[Candidate]]
    /// Per id, every id that some host-compatible version of it depends on, ascending.
    let possibleDependencies: [[Int]]

    init(nodes: [DependencyNode], hostABI: UInt32) {
        var names = Set<String>()
        for node in nodes {
            names.insert(node.id)
            for dependency in node.dependencies.keys { names.insert(dependency) }
        }
        let ids = names.sorted()
        let indexByID = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })

        var grouped = [[DependencyNode]](repeating: [], count: ids.count)
        for node in nodes { grouped[indexByID[node.id]!].append(node) }

        var versions = [[Candidate]](repeating: [], count: ids.count)
        var possibleDependencies = [[Int]](repeating: [], count: ids.count)
        for (id, group) in grouped.enumerated() where !group.isEmpty {
            // Highest first; among equal precedence the first given comes first and is the one kept.
            let ordered = group.enumerated().sorted { lhs, rhs in
                lhs.element.version.hasSamePrecedence(as: rhs.element.version)
                    ? lhs.offset < rhs.offset : lhs.element.version > rhs.element.version
            }.map(\.element)
            var candidates: [Candidate] = []
            for node in ordered where !(candidates.last?.node.version.hasSamePrecedence(as: node.version) ?? false) {
                let edges = node.dependencies
                    .map { Edge(target: indexByID[$0.key]!, range: $0.value) }
                    .sorted { $0.target < $1.target }
                candidates.append(Candidate(node: node, dependencies: edges, supportsHost: node.abi.contains(hostABI)))
            }
            versions[id] = candidates
            let compatible = candidates.filter(\.supportsHost)
            possibleDependencies[id] = compatible.count == 1
                ? compatible[0].dependencies.map(\.target)
                : Set(compatible.flatMap { $0.dependencies.map(\.target) }).sorted()
        }
        self.ids = ids
        self.indexByID = indexByID
        self.versions = versions
        self.possibleDependencies = possibleDependencies
    }
}
