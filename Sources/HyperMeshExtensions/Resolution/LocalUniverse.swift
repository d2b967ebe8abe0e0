import HyperMeshManifest
import HyperMeshResolver

/// The nodes given to a ``DependencyResolver``, as the solver's universe: a version that does not
/// support the host ABI is a candidate excluded with the reason
/// `supports host ABI 2...3; this host has 1`.
struct LocalUniverse: ResolverUniverse {
    let hostABI: UInt32
    /// Per id, its nodes in the order given (the solver keeps the first of equal precedence).
    let nodesByID: [String: [DependencyNode]]

    init(nodes: [DependencyNode], hostABI: UInt32) {
        self.hostABI = hostABI
        self.nodesByID = Dictionary(grouping: nodes, by: \.id)
    }

    /// Every id with at least one node, sorted.
    var ids: [String] { nodesByID.keys.sorted() }

    func candidates(of id: String) -> [ResolverCandidate] {
        (nodesByID[id] ?? []).map { node in
            ResolverCandidate(
                version: node.version, dependencies: node.dependencies,
                exclusion: node.abi.contains(hostABI) ? nil : "supports host ABI \(node.abi); this host has \(hostABI)")
        }
    }

    /// The node chosen for `id` at `version`: the first given with that precedence.
    func node(id: String, version: SemanticVersion) -> DependencyNode {
        let nodes = nodesByID[id] ?? []
        return nodes.first { $0.version.hasSamePrecedence(as: version) } ?? nodes[0]
    }

    /// The range a root asks for: any release (`*`); when no release supports the host ABI but
    /// some pre-releases do, exactly those pre-releases. nil when `id` has no node.
    func rootRange(of id: String) -> VersionRange? {
        guard let nodes = nodesByID[id], !nodes.isEmpty else { return nil }
        let supported = nodes.filter { $0.abi.contains(hostABI) }
        let any = try? VersionRange(parsing: "*")
        if supported.contains(where: { !$0.version.isPrerelease }) { return any }
        var prereleases = supported.filter(\.version.isPrerelease)
        if prereleases.isEmpty {
            if nodes.contains(where: { !$0.version.isPrerelease }) { return any }
            prereleases = nodes
        }
        let text = prereleases.map { "=\($0.version)" }.joined(separator: " || ")
        return (try? VersionRange(parsing: text)) ?? any
    }

    /// Every version of `id`, ascending.
    func versions(of id: String) -> [SemanticVersion] {
        var versions: [SemanticVersion] = []
        for version in (nodesByID[id] ?? []).map(\.version).sorted()
        where !(versions.last?.hasSamePrecedence(as: version) ?? false) {
            versions.append(version)
        }
        return versions
    }
}
