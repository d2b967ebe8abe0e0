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
    /// A class, so that handing a candidate around costs one reference count rather than a copy
    /// of the node's strings, arrays and dictionary (which dominated resolution as a struct).
    final class Candidate: Sendable {
        let node: DependencyNode
        /// Sorted by target, one per target.
        let dependencies: [Edge]
        let supportsHost: Bool

        init(node: DependencyNode, dependencies: [Edge], supportsHost: Bool) {
            self.node = node
            self.dependencies = dependencies
            self.supportsHost = supportsHost
        }
    }

    let ids: [String]
    let indexByID: [String: Int]
    /// Per id, its versions from highest to lowest; empty for ids that are only named as dependencies.
    let versions: [[Candidate]]
    /// Per id, every id that some host-compatible version of it depends on, ascending.
    let possibleDependencies: [[Int]]

    init(nodes: [DependencyNode], hostABI: UInt32) {
        // One dictionary, filled in first-seen order; ids are then ranked by sorting once, so an
        // id costs one hash lookup per mention and nothing is rehashed.
        var firstSeen: [String: Int] = [:]
        firstSeen.reserveCapacity(nodes.count)
        var seenIDs: [String] = []
        seenIDs.reserveCapacity(nodes.count)
        func intern(_ id: String) -> Int {
            if let known = firstSeen[id] { return known }
            firstSeen[id] = seenIDs.count
            seenIDs.append(id)
            return seenIDs.count - 1
        }
        var nodeSlot = [Int](repeating: 0, count: nodes.count)
        var dependencySlots = [[(slot: Int, range: VersionRange)]]()
        dependencySlots.reserveCapacity(nodes.count)
        for (position, node) in nodes.enumerated() {
            nodeSlot[position] = intern(node.id)
            var slots: [(slot: Int, range: VersionRange)] = []
            slots.reserveCapacity(node.dependencies.count)
            for (dependency, range) in node.dependencies { slots.append((intern(dependency), range)) }
            dependencySlots.append(slots)
        }
        let sorted = zip(seenIDs, seenIDs.indices).sorted { $0.0 < $1.0 }
        var rank = [Int](repeating: 0, count: sorted.count)
        for (index, entry) in sorted.enumerated() { rank[entry.1] = index }
        let ids = sorted.map(\.0)

        // Node positions per id index (most ids have exactly one node).
        var positionsByID = [[Int]](repeating: [], count: ids.count)
        for position in nodes.indices { positionsByID[rank[nodeSlot[position]]].append(position) }

        var versions = [[Candidate]](repeating: [], count: ids.count)
        var possibleDependencies = [[Int]](repeating: [], count: ids.count)
        for (id, positions) in positionsByID.enumerated() where !positions.isEmpty {
            // Highest first; among equal precedence the first given comes first and is the one kept.
            let ordered = positions.count == 1 ? positions : positions.sorted { lhs, rhs in
                nodes[lhs].version.hasSamePrecedence(as: nodes[rhs].version)
                    ? lhs < rhs : nodes[lhs].version > nodes[rhs].version
            }
            var candidates: [Candidate] = []
            candidates.reserveCapacity(ordered.count)
            for position in ordered where !(candidates.last?.node.version.hasSamePrecedence(as: nodes[position].version) ?? false) {
                var edges = dependencySlots[position].map { Edge(target: rank[$0.slot], range: $0.range) }
                edges.sort { $0.target < $1.target }
                candidates.append(Candidate(node: nodes[position], dependencies: edges, supportsHost: nodes[position].abi.contains(hostABI)))
            }
            versions[id] = candidates
            if candidates.count == 1 {
                possibleDependencies[id] = candidates[0].supportsHost ? candidates[0].dependencies.map(\.target) : []
            } else {
                let compatible = candidates.filter(\.supportsHost)
                possibleDependencies[id] = Set(compatible.flatMap { $0.dependencies.map(\.target) }).sorted()
            }
        }
        self.ids = ids
        self.indexByID = firstSeen.mapValues { rank[$0] }
        self.versions = versions
        self.possibleDependencies = possibleDependencies
    }
}
