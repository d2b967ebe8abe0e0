import HyperMeshManifest
import HyperMeshResolver

/// Chooses one version of every extension needed by a set of roots and orders them, with the
/// PubGrub solver of `HyperMeshResolver` (``PubGrubSolver``) over the given nodes.
///
/// Rules:
/// - Every chosen version satisfies every range pointing at it from the other chosen versions
///   and supports the host ABI. When the highest versions do not fit together, the solver goes
///   back to lower versions of dependents or dependencies until they do; only when no
///   combination works does it fail, explaining why (``ResolutionError/message``).
/// - Among the combinations that work, each extension gets its highest version, deciding first
///   the extensions with the fewest versions left to choose from (not guaranteed: the
///   combination that maximises every version at once, which need not exist).
/// - A root accepts any of its releases; a pre-release only if no release supports the host ABI.
///   A range accepts a pre-release only if it names one of the same `MAJOR.MINOR.PATCH`.
/// - If the same id and version (same precedence) are given twice, the first is kept.
/// - The chosen versions must not depend on each other in a cycle (``ResolutionError/Code/cycle``).
///
/// Resolution is synchronous and CPU-bound (linear in the chosen nodes and their edges when no
/// conflict arises).
public struct DependencyResolver: Sendable {
    /// The host's `HYPERMESH_ABI_VERSION`.
    public let hostABI: UInt32
    let universe: LocalUniverse

    public init(nodes: [DependencyNode], hostABI: UInt32) {
        self.hostABI = hostABI
        self.universe = LocalUniverse(nodes: nodes, hostABI: hostABI)
    }

    /// Resolves `roots` and everything they need. Duplicate roots are ignored; no roots gives an
    /// empty resolution.
    public func resolve(roots: [String]) throws(ResolutionError) -> Resolution {
        var ranges: [String: VersionRange] = [:]
        for root in Set(roots).sorted() {
            guard let range = universe.rootRange(of: root) else {
                throw ResolutionError.unknownRoot(root)
            }
            ranges[root] = range
        }
        let solution: ResolverSolution
        do {
            solution = try PubGrubSolver(universe: universe).solve(ResolverRequest(roots: ranges))
        } catch {
            throw ResolutionError(failure: error, universe: universe)
        }
        return try makeResolution(solution)
    }

    /// Resolves every available extension: each is a root. Fails if they cannot all be resolved together.
    public func resolveAll() throws(ResolutionError) -> Resolution {
        try resolve(roots: universe.ids)
    }

    private func makeResolution(_ solution: ResolverSolution) throws(ResolutionError) -> Resolution {
        let ids = solution.versions.keys.sorted()
        var position: [String: Int] = [:]
        for (index, id) in ids.enumerated() { position[id] = index }
        let nodes = ids.map { universe.node(id: $0, version: solution.versions[$0]!) }
        let dependencies = nodes.map { node in Set(node.dependencies.keys.compactMap { position[$0] }).sorted() }
        let graph = try DependencyGraph(ids: ids, dependencies: dependencies)
        return Resolution(selectedNodes: nodes, graph: graph)
    }
}
