import HyperMeshExtensions
import Testing

@Suite("Dependency graph queries")
struct DependencyGraphTests {
    /// a → b, a → c, b → d, c → d, e → c; activation order d, b, c, a, e.
    func graph() throws -> Resolution {
        try resolver([
            node("org.x.a", "1.0.0", ["org.x.b": "*", "org.x.c": "*"]),
            node("org.x.b", "1.0.0", ["org.x.d": "*"]),
            node("org.x.c", "1.0.0", ["org.x.d": "*"]),
            node("org.x.d", "1.0.0"),
            node("org.x.e", "1.0.0", ["org.x.c": "*"]),
        ]).resolveAll()
    }

    @Test("transitive dependents come in deactivation order")
    func dependents() throws {
        let resolution = try graph()
        #expect(resolution.activationOrder == ["org.x.d", "org.x.b", "org.x.c", "org.x.a", "org.x.e"])
        #expect(resolution.dependents(of: "org.x.d") == ["org.x.e", "org.x.a", "org.x.c", "org.x.b"])
        #expect(resolution.dependents(of: "org.x.c") == ["org.x.e", "org.x.a"])
        #expect(resolution.dependents(of: "org.x.a") == [])
        #expect(resolution.graph.directDependents(of: "org.x.d") == ["org.x.c", "org.x.b"])
    }

    @Test("transitive dependencies come in activation order")
    func dependencies() throws {
        let resolution = try graph()
        #expect(resolution.dependencies(of: "org.x.a") == ["org.x.d", "org.x.b", "org.x.c"])
        #expect(resolution.dependencies(of: "org.x.e") == ["org.x.d", "org.x.c"])
        #expect(resolution.graph.directDependencies(of: "org.x.a") == ["org.x.b", "org.x.c"])
        #expect(resolution.dependencies(of: "org.x.d") == [])
    }

    @Test("a cascade deactivates every dependent before the extension itself")
    func cascade() throws {
        let graph = try graph().graph
        let cascade = graph.deactivationCascade(of: "org.x.c")
        #expect(cascade == ["org.x.e", "org.x.a", "org.x.c"])
        // Nothing in the cascade is left active while one of its dependencies is already stopped.
        for (index, id) in cascade.enumerated() {
            #expect(Set(graph.dependents(of: id)).isSubset(of: cascade[..<index]))
        }
    }

    @Test("ids that are not in the graph have no relations")
    func unknownID() throws {
        let graph = try graph().graph
        #expect(!graph.contains("org.x.zzz"))
        #expect(graph.dependents(of: "org.x.zzz").isEmpty)
        #expect(graph.dependencies(of: "org.x.zzz").isEmpty)
        #expect(graph.directDependents(of: "org.x.zzz").isEmpty)
        #expect(graph.directDependencies(of: "org.x.zzz").isEmpty)
        #expect(graph.deactivationCascade(of: "org.x.zzz").isEmpty)
    }
}
