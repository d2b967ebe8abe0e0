import HyperMeshExtensions
import HyperMeshManifest
import Testing

@Suite("Dependency resolver: errors")
struct ResolutionErrorTests {
    func failure(_ nodes: [DependencyNode], roots: [String]) -> ResolutionError? {
        #expect(throws: ResolutionError.self) { try resolver(nodes).resolve(roots: roots) }
    }

    @Test("a conflict is explained as a chain and names the dependents, their ranges and the available versions")
    func conflict() throws {
        let error = failure([
            try node("org.x.a", "1.0.0", ["org.x.b": "^1.0.0"]),
            try node("org.x.c", "1.0.0", ["org.x.b": "^2.0.0"]),
            try node("org.x.b", "2.1.0"), try node("org.x.b", "1.2.0"),
        ], roots: ["org.x.c", "org.x.a"])
        #expect(error?.code == .versionConflict)
        #expect(error?.extensionID == "org.x.b")
        #expect(error?.message == """
            Because every version of org.x.a depends on org.x.b ^1.0.0 and every version of org.x.c depends on org.x.b ^2.0.0, every version of org.x.a is incompatible with every version of org.x.c.
            So, because the root depends on any version of org.x.a and any version of org.x.c, version solving failed.
            """)
        #expect(error?.requirements.map(\.dependent) == ["org.x.a", "org.x.c"])
        #expect(error?.available == [SemanticVersion(1, 2, 0), SemanticVersion(2, 1, 0)])
        #expect(error?.description.hasPrefix("[resolution.version_conflict] ") == true)
    }

    @Test("a range that matches no version at all")
    func noMatchingVersion() throws {
        let error = failure([
            try node("org.x.a", "1.0.0", ["org.x.b": "^3.0.0"]),
            try node("org.x.b", "1.2.0"), try node("org.x.b", "2.1.0"),
        ], roots: ["org.x.a"])
        #expect(error?.code == .noMatchingVersion)
        #expect(error?.message == "Because the root depends on any version of org.x.a which depends on org.x.b ^3.0.0 "
            + "which matches no version (org.x.b has 1.2.0, 2.1.0), version solving failed.")
    }

    @Test("a missing dependency names who needs it (the first dependent the solver meets)")
    func missing() throws {
        let error = failure([
            try node("org.x.a", "1.0.0", ["org.x.m": "^1.0.0"]),
            try node("org.x.b", "1.0.0", ["org.x.m": ">=1.5.0"]),
        ], roots: ["org.x.a", "org.x.b"])
        #expect(error?.code == .missingDependency)
        #expect(error?.extensionID == "org.x.m")
        #expect(error?.message == "Because the root depends on any version of org.x.a which depends on org.x.m ^1.0.0 "
            + "but org.x.m is not in the index, version solving failed.")
        #expect(error?.requirements.map(\.description) == ["org.x.a requires ^1.0.0"])
    }

    @Test("an unknown root")
    func unknownRoot() throws {
        let error = failure([try node("org.x.a", "1.0.0", ["org.x.m": "*"])], roots: ["org.x.nope"])
        #expect(error?.code == .unknownExtension)
        #expect(error?.message == "org.x.nope: no version of this extension is available; install it or check the id")
        // An id that is only named as a dependency is not available either.
        #expect(failure([try node("org.x.a", "1.0.0", ["org.x.m": "*"])], roots: ["org.x.m"])?.code == .unknownExtension)
    }

    @Test("a root no version of which supports the host ABI")
    func rootABIIncompatible() throws {
        let error = failure([
            try node("org.x.a", "1.1.0", abi: 2...3), try node("org.x.a", "1.0.0", abi: 2...2),
        ], roots: ["org.x.a"])
        #expect(error?.code == .abiIncompatible)
        #expect(error?.extensionID == "org.x.a")
        #expect(error?.message == """
            Because org.x.a 1.1.0 supports host ABI 2...3; this host has 1 and org.x.a 1.0.0 supports host ABI 2; this host has 1, every version of org.x.a is forbidden.
            So, because the root depends on any version of org.x.a, version solving failed.
            """)
    }

    @Test("a dependency whose matching versions do not support the host ABI")
    func dependencyABIIncompatible() throws {
        let error = failure([
            try node("org.x.a", "1.0.0", ["org.x.b": "^2.0.0"]),
            try node("org.x.b", "1.0.0", abi: 1...1), try node("org.x.b", "2.0.0", abi: 2...2),
        ], roots: ["org.x.a"])
        #expect(error?.code == .abiIncompatible)
        #expect(error?.extensionID == "org.x.b")
        #expect(error?.message == """
            Because every version of org.x.a depends on org.x.b ^2.0.0 and org.x.b 2.0.0 supports host ABI 2; this host has 1, every version of org.x.a is forbidden.
            So, because the root depends on any version of org.x.a, version solving failed.
            """)
    }

    @Test("a cycle is printed a 1.0.0 -> b 1.0.0 -> c 1.0.0 -> a 1.0.0, starting at its smallest id")
    func cycle() throws {
        let nodes = [
            try node("org.x.a", "1.0.0", ["org.x.b": "*"]),
            try node("org.x.b", "1.0.0", ["org.x.c": "*"]),
            try node("org.x.c", "1.0.0", ["org.x.a": "*"]),
            try node("org.x.root", "1.0.0", ["org.x.c": "*"]),
        ]
        for roots in [["org.x.a"], ["org.x.c"], ["org.x.root"]] {
            let error = failure(nodes, roots: roots)
            #expect(error?.code == .cycle)
            #expect(error?.cycle == ["org.x.a", "org.x.b", "org.x.c"])
            #expect(error?.extensionID == "org.x.a")
            #expect(error?.message
                == "The chosen versions depend on each other in a cycle: org.x.a 1.0.0 -> org.x.b 1.0.0 -> org.x.c 1.0.0 -> org.x.a 1.0.0. "
                + "Extensions load in dependency order, so one of these dependencies must go.")
        }
    }

    @Test("a self-dependency is a cycle of one")
    func selfLoop() throws {
        let error = failure([try node("org.x.a", "1.0.0", ["org.x.a": "*"])], roots: ["org.x.a"])
        #expect(error?.code == .cycle)
        #expect(error?.cycle == ["org.x.a"])
        #expect(error?.message.contains("cycle: org.x.a 1.0.0 -> org.x.a 1.0.0.") == true)
    }

    @Test("versions that each need the other's other major have no solution, and the explanation says why")
    func oscillation() throws {
        // b@2 wants c@1, c@1 wants b@1, b@1 wants c@2, c@2 wants b@2: every choice undoes the last.
        let error = failure([
            try node("org.x.b", "2.0.0", ["org.x.c": "^1.0.0"]),
            try node("org.x.b", "1.0.0", ["org.x.c": "^2.0.0"]),
            try node("org.x.c", "1.0.0", ["org.x.b": "^1.0.0"]),
            try node("org.x.c", "2.0.0", ["org.x.b": "^2.0.0"]),
            // An unrelated cycle that the root does not reach must not be the one reported.
            try node("org.a.x", "1.0.0", ["org.a.y": "*"]),
            try node("org.a.y", "1.0.0", ["org.a.x": "*"]),
        ], roots: ["org.x.b"])
        #expect(error?.code == .versionConflict)
        #expect(error?.cycle == [])
        #expect(error?.message == """
            Because org.x.b 1.0.0 depends on org.x.c ^2.0.0 which depends on org.x.b ^2.0.0, org.x.b 1.0.0 is forbidden.
            Because org.x.b 2.0.0 depends on org.x.c ^1.0.0 which depends on org.x.b ^1.0.0, org.x.b 2.0.0 is forbidden.
            Thus, every version of org.x.b is forbidden.
            So, because the root depends on any version of org.x.b, version solving failed.
            """)
    }

    @Test("resolveAll fails when any available extension cannot be resolved")
    func resolveAllFails() throws {
        let nodes = [try node("org.x.a", "1.0.0"), try node("org.x.b", "1.0.0", ["org.x.m": "*"])]
        let error = #expect(throws: ResolutionError.self) { try resolver(nodes).resolveAll() }
        #expect(error?.code == .missingDependency)
        #expect(try resolver(nodes).resolve(roots: ["org.x.a"]).selectedVersions == ["org.x.a@1.0.0"])
    }
}
