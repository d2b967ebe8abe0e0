import HyperMeshManifest

/// Chooses one version of every extension needed by a set of roots and orders them.
///
/// Rules:
/// - A root gets its highest version that supports the host ABI; a pre-release only if no
///   release does. A root that other selected extensions depend on must also satisfy their ranges.
/// - Every other needed extension gets its highest version that supports the host ABI and
///   satisfies every range pointing at it from the selected dependents.
/// - Versions are chosen dependents first, so each choice sees all the ranges that point at it.
///   The resolver is greedy: it does not go back to a lower version of a dependent to make room
///   for a dependency; it reports the conflict instead, naming every range involved.
/// - If the same id and version (same precedence) are given twice, the first is kept.
///
/// When versions of extensions can depend on each other in a cycle (some versions of `a` need
/// `b` and some versions of `b` need `a`), choices are repeated until they settle; if they have not
/// settled after 100 rounds, a cycle is reported. A cycle among the chosen versions is always an
/// error. Resolving a single-version graph is linear in nodes plus edges, apart from sorting ids.
public struct DependencyResolver: Sendable {
    /// The host's `HYPERMESH_ABI_VERSION`.
    public let hostABI: UInt32
    let index: ResolverIndex

    /// Upper bound on the rounds spent letting choices settle in a cycle of versions.
    static let maximumRounds = 100

    public init(nodes: [DependencyNode], hostABI: UInt32) {
        self.hostABI = hostABI
        self.index = ResolverIndex(nodes: nodes, hostABI: hostABI)
    }

    /// Resolves `roots` and everything they need. Duplicate roots are ignored; no roots gives an
    /// empty resolution.
    public func resolve(roots: [String]) throws(ResolutionError) -> Resolution {
        var rootIndices: [Int] = []
        for root in Set(roots).sorted() {
            guard let rootIndex = index.indexByID[root], !index.versions[rootIndex].isEmpty else {
                throw ResolutionError.unresolvable(id: root, versions: [], requirements: [], hostABI: hostABI)
            }
            rootIndices.append(rootIndex)
        }
        return try resolve(rootIndices: rootIndices)
    }

    /// Resolves from root indices, ascending (indices ascend with ids).
    private func resolve(rootIndices: [Int]) throws(ResolutionError) -> Resolution {
        let choice = try VersionSelection(index: index, roots: rootIndices, hostABI: hostABI).run()
        return try makeResolution(choice: choice, roots: rootIndices)
    }

    /// Resolves every available extension: each is a root. Fails if any of them cannot be resolved.
    public func resolveAll() throws(ResolutionError) -> Resolution {
        try resolve(rootIndices: index.ids.indices.filter { !index.versions[$0].isEmpty })
    }

    /// Keeps the choices reachable from the roots and orders them.
    private func makeResolution(choice: [Int], roots: [Int]) throws(ResolutionError) -> Resolution {
        var reached = [Bool](repeating: false, count: choice.count)
        var stack = roots
        for root in roots { reached[root] = true }
        while let node = stack.popLast() {
            for edge in index.versions[node][choice[node]].dependencies where !reached[edge.target] {
                reached[edge.target] = true
                stack.append(edge.target)
            }
        }
        // Global indices ascend with ids, so the kept ones stay sorted by id.
        let kept = reached.indices.filter { reached[$0] }
        var local = [Int](repeating: -1, count: choice.count)
        for (position, node) in kept.enumerated() { local[node] = position }
        let nodes = kept.map { index.versions[$0][choice[$0]] }
        let dependencies = nodes.map { candidate in candidate.dependencies.map { local[$0.target] } }
        let graph = try DependencyGraph(ids: kept.map { index.ids[$0] }, dependencies: dependencies)
        return Resolution(selectedNodes: nodes.map(\.node), graph: graph)
    }
}
