import Benchmark
import BenchmarkSupport
import HyperMeshExtensions

// Resolving a random acyclic graph of 10,000 extensions (one version each) with 50,000
// dependency edges (ranges ^1.0.0), built once in setup from a fixed seed:
//   - DependencyResolver(nodes:hostABI:) then resolveAll(): the index is built in the measurement;
//   - the same, resolve(roots:) with the extensions nobody depends on as roots;
//   - resolveAll() on a resolver built in setup (the index cost left out, for diagnosis);
//   - the floor: Kahn's topological sort over the same graph as integer adjacency lists.

let graphSeed: UInt64 = 0x4859_5045_524D_4553
let nodeCount = 10_000
let edgeCount = 50_000

struct ResolutionFixture: Sendable {
    let graph: RandomDependencyGraph
    let nodes: [DependencyNode]
    let topLevel: [String]
}

func makeFixture() throws -> ResolutionFixture {
    let graph = RandomDependencyGraph(nodeCount: nodeCount, edgeCount: edgeCount, seed: graphSeed)
    let nodes = try graph.dependencyNodes()
    var dependedUpon = [Bool](repeating: false, count: nodeCount)
    for dependencies in graph.dependencies { for dependency in dependencies { dependedUpon[dependency] = true } }
    let topLevel = dependedUpon.indices.filter { !dependedUpon[$0] }.map(RandomDependencyGraph.id)
    // Sanity: both sides order every node (the graph is acyclic and fully resolvable).
    let resolved = try DependencyResolver(nodes: nodes, hostABI: 1).resolveAll()
    guard graph.edgeCount == edgeCount, resolved.activationOrder.count == nodeCount,
          KahnSort.order(dependencies: graph.dependencies)?.count == nodeCount else {
        throw BenchmarkSetupError(.sanityCheckFailed, "the resolution or the floor did not order all \(nodeCount) nodes")
    }
    return ResolutionFixture(graph: graph, nodes: nodes, topLevel: topLevel)
}

var resolutionConfiguration: Benchmark.Configuration {
    Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 2,
        maxDuration: .seconds(5),
        maxIterations: 200)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark("Resolve: init + resolveAll, 10k nodes 50k edges", configuration: resolutionConfiguration) { _, fixture in
        blackHole(try DependencyResolver(nodes: fixture.nodes, hostABI: 1).resolveAll())
    } setup: {
        try makeFixture()
    }

    Benchmark("Resolve: init + resolve(roots: top level), 10k nodes 50k edges", configuration: resolutionConfiguration) { _, fixture in
        blackHole(try DependencyResolver(nodes: fixture.nodes, hostABI: 1).resolve(roots: fixture.topLevel))
    } setup: {
        try makeFixture()
    }

    Benchmark("Resolve: resolveAll on a prebuilt resolver, 10k nodes 50k edges", configuration: resolutionConfiguration) { _, resolver in
        blackHole(try resolver.resolveAll())
    } setup: {
        DependencyResolver(nodes: try makeFixture().nodes, hostABI: 1)
    }

    Benchmark("Resolve: floor, Kahn sort on Int adjacency, 10k nodes 50k edges", configuration: resolutionConfiguration) { _, fixture in
        blackHole(KahnSort.order(dependencies: fixture.graph.dependencies))
    } setup: {
        try makeFixture()
    }
}
