import HyperMeshExtensions
import HyperMeshManifest

/// The host ABI version used by the resolver tests.
let testHostABI: UInt32 = 1

/// A node for tests: `node("org.x.a", "1.2.0", ["org.x.b": "^1.0.0"])`, supporting ABI 1 unless told.
func node(
    _ id: String, _ version: String, _ dependencies: [String: String] = [:], abi: ClosedRange<UInt32> = 1...1
) throws -> DependencyNode {
    var ranges: [String: VersionRange] = [:]
    for (dependency, range) in dependencies { ranges[dependency] = try VersionRange(parsing: range) }
    return DependencyNode(
        id: id, version: try SemanticVersion(parsing: version),
        abi: ABIRange(min: abi.lowerBound, max: abi.upperBound), dependencies: ranges)
}

func resolver(_ nodes: [DependencyNode]) -> DependencyResolver {
    DependencyResolver(nodes: nodes, hostABI: testHostABI)
}

extension Resolution {
    /// Selected versions as `id@version` strings, sorted by id.
    var selectedVersions: [String] {
        selected.keys.sorted().map { "\($0)@\(selected[$0]!.version)" }
    }
}
