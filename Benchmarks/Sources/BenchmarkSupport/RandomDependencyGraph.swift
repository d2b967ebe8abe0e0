import HyperMeshExtensions
import HyperMeshManifest

/// A random directed acyclic dependency graph, the same for the same seed.
///
/// Nodes get a hidden random rank; every edge goes from a node to one of lower rank, so there is
/// no cycle, and the id order (`org.bench.n00000`…) says nothing about the dependency order.
/// Edges are distinct and never loops.
public struct RandomDependencyGraph: Sendable {
    /// `dependencies[node]`: the nodes `node` depends on.
    public let dependencies: [[Int]]

    public var nodeCount: Int { dependencies.count }
    public var edgeCount: Int { dependencies.reduce(0) { $0 + $1.count } }

    /// Draws `edgeCount` distinct edges among `nodeCount` nodes.
    /// - Precondition: `nodeCount >= 2` and `edgeCount` at most `nodeCount * (nodeCount - 1) / 2`.
    public init(nodeCount: Int, edgeCount: Int, seed: UInt64) {
        precondition(nodeCount >= 2 && edgeCount <= nodeCount * (nodeCount - 1) / 2, "too many edges for the nodes")
        var generator = SeededGenerator(seed: seed)
        var rank = Array(0..<nodeCount)
        rank.shuffle(using: &generator)
        var dependencies = [[Int]](repeating: [], count: nodeCount)
        var seen = Set<Int>(minimumCapacity: edgeCount)
        var drawn = 0
        while drawn < edgeCount {
            let a = Int.random(in: 0..<nodeCount, using: &generator)
            let b = Int.random(in: 0..<nodeCount, using: &generator)
            guard a != b else { continue }
            let (dependent, dependency) = rank[a] > rank[b] ? (a, b) : (b, a)
            guard seen.insert(dependent * nodeCount + dependency).inserted else { continue }
            dependencies[dependent].append(dependency)
            drawn += 1
        }
        self.dependencies = dependencies
    }

    /// The id of node `index`: `org.bench.n` and five digits.
    public static func id(_ index: Int) -> String {
        "org.bench.n" + String(repeating: "0", count: max(0, 5 - String(index).count)) + String(index)
    }

    /// The graph as the resolver sees it: one version (1.0.0, host ABI 1) per node, every
    /// dependency on the range `^1.0.0`.
    public func dependencyNodes() throws(VersionRangeError) -> [DependencyNode] {
        let range = try VersionRange(parsing: "^1.0.0")
        let version = SemanticVersion(1, 0, 0)
        let abi = ABIRange(min: 1, max: 1)
        return dependencies.indices.map { node in
            DependencyNode(
                id: Self.id(node), version: version, abi: abi,
                dependencies: Dictionary(uniqueKeysWithValues: dependencies[node].map { (Self.id($0), range) }))
        }
    }
}
