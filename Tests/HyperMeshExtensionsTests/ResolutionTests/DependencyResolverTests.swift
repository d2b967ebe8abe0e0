import HyperMeshExtensions
import HyperMeshManifest
import HyperMeshTestSupport
import Testing

@Suite("Dependency resolver: selection and order")
struct DependencyResolverTests {
    @Test("a chain activates dependencies first and deactivates in reverse")
    func chain() throws {
        let resolution = try resolver([
            node("org.x.a", "1.0.0", ["org.x.b": "^1.0.0"]),
            node("org.x.b", "1.0.0", ["org.x.c": "^1.0.0"]),
            node("org.x.c", "1.0.0"),
        ]).resolve(roots: ["org.x.a"])
        #expect(resolution.activationOrder == ["org.x.c", "org.x.b", "org.x.a"])
        #expect(resolution.deactivationOrder == ["org.x.a", "org.x.b", "org.x.c"])
    }

    @Test("a diamond selects the shared dependency once and breaks ties by id")
    func diamond() throws {
        let resolution = try resolver([
            node("org.x.a", "1.0.0", ["org.x.c": "*", "org.x.b": "*"]),
            node("org.x.b", "1.0.0", ["org.x.d": "^1.0.0"]),
            node("org.x.c", "1.0.0", ["org.x.d": "^1.1.0"]),
            node("org.x.d", "1.0.0"),
            node("org.x.d", "1.1.0"),
        ]).resolve(roots: ["org.x.a"])
        #expect(resolution.activationOrder == ["org.x.d", "org.x.b", "org.x.c", "org.x.a"])
        #expect(resolution.selectedVersions == ["org.x.a@1.0.0", "org.x.b@1.0.0", "org.x.c@1.0.0", "org.x.d@1.1.0"])
    }

    @Test("the order does not depend on the order nodes are given in")
    func deterministic() throws {
        var nodes = [
            try node("org.x.e", "1.0.0"),
            try node("org.x.d", "1.0.0", ["org.x.e": "*"]),
            try node("org.x.c", "1.0.0"),
            try node("org.x.b", "1.0.0", ["org.x.e": "*"]),
            try node("org.x.a", "1.0.0", ["org.x.c": "*"]),
        ]
        let expected = ["org.x.c", "org.x.a", "org.x.e", "org.x.b", "org.x.d"]
        var generator = SplitMix64(state: 7)
        for _ in 0..<10 {
            nodes.shuffle(using: &generator)
            #expect(try resolver(nodes).resolveAll().activationOrder == expected)
        }
    }

    @Test("the highest version that satisfies every range is chosen")
    func intersection() throws {
        let resolution = try resolver([
            node("org.x.a", "1.0.0", ["org.x.c": "^1.2.0"]),
            node("org.x.b", "1.0.0", ["org.x.c": "~1.2.0"]),
            node("org.x.c", "1.1.0"), node("org.x.c", "1.2.0"), node("org.x.c", "1.2.5"),
            node("org.x.c", "1.3.0"), node("org.x.c", "2.0.0"),
        ]).resolve(roots: ["org.x.a", "org.x.b"])
        #expect(resolution.selected["org.x.c"]?.version == SemanticVersion(1, 2, 5))
    }

    @Test("a root gets its highest version, and only that version's dependencies are needed")
    func rootVersionDecidesDependencies() throws {
        let resolution = try resolver([
            node("org.x.a", "1.0.0", ["org.x.old": "*"]),
            node("org.x.a", "2.0.0", ["org.x.new": "*"]),
            node("org.x.old", "1.0.0"),
            node("org.x.new", "1.0.0"),
            node("org.x.unrelated", "1.0.0"),
        ]).resolve(roots: ["org.x.a"])
        #expect(resolution.selectedVersions == ["org.x.a@2.0.0", "org.x.new@1.0.0"])
    }

    @Test("a root that another root depends on satisfies its range")
    func rootConstrainedByRoot() throws {
        let resolution = try resolver([
            node("org.x.a", "1.0.0", ["org.x.b": "^1.0.0"]),
            node("org.x.b", "1.4.0"), node("org.x.b", "2.0.0"),
        ]).resolve(roots: ["org.x.b", "org.x.a"])
        #expect(resolution.selectedVersions == ["org.x.a@1.0.0", "org.x.b@1.4.0"])
    }

    @Test("roots skip versions the host ABI does not support")
    func rootABI() throws {
        let resolution = try resolver([
            node("org.x.a", "1.0.0", abi: 1...1),
            node("org.x.a", "2.0.0", abi: 2...3),
        ]).resolve(roots: ["org.x.a"])
        #expect(resolution.selectedVersions == ["org.x.a@1.0.0"])
    }

    @Test("a root prefers a release to a higher pre-release, but takes a pre-release if that is all there is")
    func prereleases() throws {
        let mixed = try resolver([node("org.x.a", "1.0.0"), node("org.x.a", "2.0.0-beta.1")]).resolve(roots: ["org.x.a"])
        #expect(mixed.selectedVersions == ["org.x.a@1.0.0"])
        let only = try resolver([node("org.x.a", "2.0.0-beta.1"), node("org.x.a", "2.0.0-alpha")]).resolve(roots: ["org.x.a"])
        #expect(only.selectedVersions == ["org.x.a@2.0.0-beta.1"])
    }

    @Test("the first of two nodes with the same id and version is kept")
    func duplicates() throws {
        let resolution = try resolver([
            node("org.x.a", "1.0.0", ["org.x.b": "*"]),
            node("org.x.a", "1.0.0+other", ["org.x.c": "*"]),
            node("org.x.b", "1.0.0"), node("org.x.c", "1.0.0"),
        ]).resolve(roots: ["org.x.a"])
        #expect(resolution.selectedVersions == ["org.x.a@1.0.0", "org.x.b@1.0.0"])
    }

    @Test("versions that could form a cycle but are not chosen do not make one")
    func cycleOnlyAmongUnchosenVersions() throws {
        let resolution = try resolver([
            node("org.x.a", "1.0.0", ["org.x.b": "^1.0.0"]),
            node("org.x.b", "1.0.0"),
            node("org.x.b", "2.0.0", ["org.x.a": "*"]),
        ]).resolve(roots: ["org.x.a"])
        #expect(resolution.selectedVersions == ["org.x.a@1.0.0", "org.x.b@1.0.0"])
        #expect(resolution.activationOrder == ["org.x.b", "org.x.a"])
    }

    @Test("a range along a possible cycle is honoured: choices repeat until they settle")
    func rangeAlongPossibleCycle() throws {
        // b@2 needs c and c needs b ^1, so b@2 would close a cycle and break c's range; b@1 does neither.
        let resolution = try resolver([
            node("org.x.a", "1.0.0", ["org.x.b": "*", "org.x.c": "*"]),
            node("org.x.b", "1.0.0"),
            node("org.x.b", "2.0.0", ["org.x.c": "*"]),
            node("org.x.c", "1.0.0", ["org.x.b": "^1.0.0"]),
        ]).resolve(roots: ["org.x.a"])
        #expect(resolution.selectedVersions == ["org.x.a@1.0.0", "org.x.b@1.0.0", "org.x.c@1.0.0"])
        #expect(resolution.activationOrder == ["org.x.b", "org.x.c", "org.x.a"])
    }

    @Test("resolveAll selects every available id; no roots selects nothing")
    func allAndNothing() throws {
        let resolver = resolver([
            try node("org.x.a", "1.0.0", ["org.x.b": "*"]),
            try node("org.x.b", "1.0.0"), try node("org.x.b", "1.1.0"),
            try node("org.x.z", "1.0.0"),
        ])
        #expect(try resolver.resolveAll().selectedVersions == ["org.x.a@1.0.0", "org.x.b@1.1.0", "org.x.z@1.0.0"])
        let empty = try resolver.resolve(roots: [])
        #expect(empty.selected.isEmpty && empty.activationOrder.isEmpty)
        #expect(try resolver.resolve(roots: ["org.x.b", "org.x.b"]).activationOrder == ["org.x.b"])
    }

    @Test("a node built from a manifest carries its id, version, ABI and dependencies")
    func fromManifest() throws {
        let manifest = Manifest(
            id: "org.x.a", name: "A", version: SemanticVersion(1, 2, 3), kind: .native, entry: "liba.so",
            abi: ABIRange(min: 1, max: 2), category: "test",
            dependencies: ["org.x.b": try VersionRange(parsing: "^1.0.0")])
        #expect(DependencyNode(manifest: manifest) == DependencyNode(
            id: "org.x.a", version: SemanticVersion(1, 2, 3), abi: ABIRange(min: 1, max: 2),
            dependencies: ["org.x.b": try VersionRange(parsing: "^1.0.0")]))
    }
}
