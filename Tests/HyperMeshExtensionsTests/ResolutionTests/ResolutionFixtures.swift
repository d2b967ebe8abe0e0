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

/// A small deterministic random generator (SplitMix64), so large graphs are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
