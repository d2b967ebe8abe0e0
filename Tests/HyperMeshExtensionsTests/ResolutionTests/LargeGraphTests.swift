import HyperMeshExtensions
import HyperMeshManifest
import HyperMeshTestSupport
import Testing

/// Large graphs: correctness and the absence of deep recursion. No timing assertions.
@Suite("Dependency resolver: large graphs")
struct LargeGraphTests {
    static let version = SemanticVersion(1, 0, 0)
    static let abi = ABIRange(min: 1, max: 1)

    /// Ids whose sorted order has nothing to do with the dependency order.
    static func ids(count: Int, generator: inout SplitMix64) -> [String] {
        (0..<count).map { "org.load.n\($0)" }.shuffled(using: &generator)
    }

    @Test("10,000 nodes and 50,000 edges: every edge is respected by the order")
    func randomDAG() throws {
        var generator = SplitMix64(state: 0x5EED)
        let count = 10_000
        let ids = Self.ids(count: count, generator: &generator)
        let range = try VersionRange(parsing: "^1.0.0")
        // Node i may depend only on nodes before it, so the graph is acyclic.
        var dependencies = [[String: VersionRange]](repeating: [:], count: count)
        var edges = 0
        while edges < 50_000 {
            let dependent = Int.random(in: 1..<count, using: &generator)
            let dependency = Int.random(in: 0..<dependent, using: &generator)
            if dependencies[dependent].updateValue(range, forKey: ids[dependency]) == nil { edges += 1 }
        }
        let nodes = (0..<count).map {
            DependencyNode(id: ids[$0], version: Self.version, abi: Self.abi, dependencies: dependencies[$0])
        }

        let resolution = try DependencyResolver(nodes: nodes, hostABI: 1).resolveAll()

        #expect(resolution.selected.count == count)
        #expect(resolution.activationOrder.count == count)
        var position: [String: Int] = [:]
        for (index, id) in resolution.activationOrder.enumerated() { position[id] = index }
        #expect(position.count == count)
        var violations = 0
        for node in nodes {
            for dependency in node.dependencies.keys where position[dependency]! >= position[node.id]! {
                violations += 1
            }
        }
        #expect(violations == 0)
        #expect(resolution.deactivationOrder == resolution.activationOrder.reversed())
    }

    /// n0 → n1 → … → n(count-1), optionally closed back to n0.
    static func chain(count: Int, closed: Bool) throws -> (ids: [String], nodes: [DependencyNode]) {
        var generator = SplitMix64(state: 42)
        let ids = Self.ids(count: count, generator: &generator)
        let range = try VersionRange(parsing: "*")
        let nodes = (0..<count).map { index in
            let next = index + 1 < count ? ids[index + 1] : (closed ? ids[0] : nil)
            return DependencyNode(
                id: ids[index], version: version, abi: abi, dependencies: next.map { [$0: range] } ?? [:])
        }
        return (ids, nodes)
    }

    @Test("a 10,000-long chain resolves from its head without deep recursion")
    func longChain() throws {
        let (ids, nodes) = try Self.chain(count: 10_000, closed: false)
        let resolution = try DependencyResolver(nodes: nodes, hostABI: 1).resolve(roots: [ids[0]])
        #expect(resolution.activationOrder == ids.reversed())
        #expect(resolution.dependents(of: ids[9_999]).count == 9_999)
        #expect(resolution.dependencies(of: ids[0]) == Array(ids.dropFirst().reversed()))
    }

    @Test("a 10,000-long cycle is reported whole")
    func longCycle() throws {
        let (ids, nodes) = try Self.chain(count: 10_000, closed: true)
        let error = #expect(throws: ResolutionError.self) {
            try DependencyResolver(nodes: nodes, hostABI: 1).resolve(roots: [ids[5_000]])
        }
        #expect(error?.code == .cycle)
        #expect(error?.cycle.count == 10_000)
        #expect(Set(error?.cycle ?? []) == Set(ids))
        // The reported cycle follows the dependency edges.
        if let cycle = error?.cycle, let start = ids.firstIndex(of: cycle[0]) {
            let expected = Array(ids[start...] + ids[..<start])
            #expect(cycle == expected)
        }
    }
}
