import HyperMeshErrors
import HyperMeshManifest
import HyperMeshResolver
import Testing

@Suite("PubGrub: preferences, exclusions, unknown packages, cycles, pre-releases")
struct SolverRuleTests {
    @Test("two versions that need different majors of one package explain the conflict as a chain")
    func conflictChain() throws {
        let error = try failure([
            "a": [try candidate("1.0.0"), try candidate("2.0.0", ["b": "^3.0.0"]), try candidate("2.1.0", ["b": "^3.0.0"])],
            "c": [try candidate("1.0.0", ["b": "^2.0.0"])],
            "b": [try candidate("2.0.0"), try candidate("3.0.0")],
        ], roots: ["a": "^2.0.0", "c": "^1.0.0"])
        #expect(error?.code == .noSolution)
        #expect(error?.explanation == """
            Because every version of c depends on b ^2.0.0 and a >=2.0.0 depends on b ^3.0.0, every version of c is incompatible with a >=2.0.0.
            So, because the root depends on a ^2.0.0 and c ^1.0.0, version solving failed.
            """)
        #expect(error?.facts.contains(.dependency(
            dependent: "a", versions: [SemanticVersion(2, 0, 0), SemanticVersion(2, 1, 0)], target: "b",
            range: try VersionRange(parsing: "^3.0.0"))) == true)
        #expect(error?.category == .conflict)
        #expect(error?.description.hasPrefix("[resolve.no_solution] Because ") == true)
    }

    @Test("a preferred version is chosen when the constraints allow it")
    func preferredHonoured() throws {
        let versions = [try candidate("1.0.0"), try candidate("1.1.0"), try candidate("1.2.0")]
        #expect(try solve(["a": versions], roots: ["a": "^1.0.0"], preferred: ["a": "1.1.0"]).summary == ["a 1.1.0"])
        #expect(try solve(["a": versions], roots: ["a": "^1.0.0"]).summary == ["a 1.2.0"])
    }

    @Test("a preferred version the constraints rule out is overridden, not an error")
    func preferredOverridden() throws {
        let packages = [
            "a": [try candidate("1.0.0"), try candidate("1.1.0"), try candidate("1.2.0")],
            "b": [try candidate("1.0.0", ["a": "^1.2.0"])],
        ]
        let solution = try solve(packages, roots: ["b": "*"], preferred: ["a": "1.1.0", "b": "9.9.9"])
        #expect(solution.summary == ["a 1.2.0", "b 1.0.0"])
        // A preferred version that is excluded is not chosen either.
        let excluded = ["a": [try candidate("1.0.0"), try candidate("1.1.0", excluded: "is yanked")]]
        #expect(try solve(excluded, roots: ["a": "*"], preferred: ["a": "1.1.0"]).summary == ["a 1.0.0"])
    }

    @Test("excluded candidates are skipped, and named with their reason when nothing else is left")
    func excludedCandidates() throws {
        let skipped = try solve([
            "a": [try candidate("1.0.0"), try candidate("2.0.0", excluded: "supports host ABI 2...3; this host has 1")],
        ], roots: ["a": "*"])
        #expect(skipped.summary == ["a 1.0.0"])

        let error = try failure([
            "a": [try candidate("1.0.0", ["b": "^2.0.0"])],
            "b": [try candidate("1.0.0"), try candidate("2.0.0", excluded: "supports host ABI 2...3; this host has 1")],
        ], roots: ["a": "^1.0.0"])
        #expect(error?.code == .noSolution)
        #expect(error?.explanation == """
            Because every version of a depends on b ^2.0.0 and b 2.0.0 supports host ABI 2...3; this host has 1, every version of a is forbidden.
            So, because the root depends on a ^1.0.0, version solving failed.
            """)
        #expect(error?.facts.contains(.excluded(id: "b", version: SemanticVersion(2, 0, 0), reason: "supports host ABI 2...3; this host has 1")) == true)

        let root = try failure([
            "a": [try candidate("1.0.0", excluded: "is yanked"), try candidate("2.0.0", excluded: "has no build for linux/arm64")],
        ], roots: ["a": "*"])
        #expect(root?.explanation == """
            Because a 2.0.0 has no build for linux/arm64 and a 1.0.0 is yanked, every version of a is forbidden.
            So, because the root depends on any version of a, version solving failed.
            """)
    }

    @Test("a package that is not in the index is explained, with its own code")
    func unknownPackage() throws {
        let error = try failure(["a": [try candidate("1.0.0", ["b": "^1.0.0"])]], roots: ["a": "^1.0.0"])
        #expect(error?.code == .unknownPackage)
        #expect(error?.category == .notFound)
        #expect(error?.explanation == "Because the root depends on a ^1.0.0 which depends on b ^1.0.0 but b is not in the index, version solving failed.")
        #expect(error?.packages == ["a", "b"])

        let root = try failure([:], roots: ["b": "^1.0.0"])
        #expect(root?.code == .unknownPackage)
        #expect(root?.explanation == "Because the root depends on b ^1.0.0 but b is not in the index, version solving failed.")
    }

    @Test("an unknown package that a lower version avoids is not an error")
    func unknownPackageAvoided() throws {
        let solution = try solve(["a": [try candidate("1.0.0"), try candidate("2.0.0", ["gone": "*"])]], roots: ["a": "*"])
        #expect(solution.summary == ["a 1.0.0"])
    }

    @Test("a range that matches no version is explained")
    func noMatchingVersion() throws {
        let error = try failure(["a": [try candidate("1.0.0", ["b": "^3.0.0"])], "b": [try candidate("1.0.0")]], roots: ["a": "*"])
        #expect(error?.code == .noSolution)
        #expect(error?.explanation == "Because the root depends on any version of a which depends on b ^3.0.0 which matches no version (b has 1.0.0), version solving failed.")
    }

    @Test("versions that depend on each other in a cycle fail with the cycle named")
    func cycle() throws {
        let error = try failure([
            "a": [try candidate("1.0.0", ["b": "^2.0.0"])],
            "b": [try candidate("2.0.0", ["c": "*"])],
            "c": [try candidate("1.0.0", ["a": "*"])],
            "root": [try candidate("1.0.0", ["c": "*"])],
        ], roots: ["root": "*"])
        #expect(error?.code == .dependencyCycle)
        #expect(error?.category == .invalidInput)
        #expect(error?.cycle == ["a", "b", "c"])
        #expect(error?.subject == "a")
        #expect(error?.explanation.contains("a 1.0.0 -> b 2.0.0 -> c 1.0.0 -> a 1.0.0") == true)
        let selfLoop = try failure(["a": [try candidate("1.0.0", ["a": "*"])]], roots: ["a": "*"])
        #expect(selfLoop?.cycle == ["a"])
        #expect(selfLoop?.explanation.contains("a 1.0.0 -> a 1.0.0") == true)
    }

    @Test("a version that depends on another version of itself is forbidden, not a cycle")
    func selfDependencyOnOtherVersion() throws {
        let solution = try solve(["a": [try candidate("1.0.0"), try candidate("2.0.0", ["a": "^1.0.0"])]], roots: ["a": "*"])
        #expect(solution.summary == ["a 1.0.0"])
    }

    @Test("pre-releases are chosen only when a range names one of the same version")
    func prereleases() throws {
        let packages = ["a": [try candidate("1.0.0"), try candidate("2.0.0-beta.1"), try candidate("2.0.0-beta.2")]]
        #expect(try solve(packages, roots: ["a": "*"]).summary == ["a 1.0.0"])
        #expect(try solve(packages, roots: ["a": ">=1.0.0"]).summary == ["a 1.0.0"])
        #expect(try solve(packages, roots: ["a": ">=2.0.0-beta.1"]).summary == ["a 2.0.0-beta.2"])
        let only = try failure(["a": [try candidate("2.0.0-beta.1")]], roots: ["a": "^1.0.0"])
        #expect(only?.explanation == "Because the root depends on a ^1.0.0 which matches no version (a has 2.0.0-beta.1), version solving failed.")
    }

    @Test("the order puts dependencies first and breaks ties by id; unneeded packages are left out")
    func order() throws {
        let solution = try solve([
            "z": [try candidate("1.0.0", ["m": "*", "b": "*"])],
            "m": [try candidate("1.0.0", ["b": "*"])],
            "b": [try candidate("1.0.0")],
            "a": [try candidate("1.0.0")],
            "unused": [try candidate("1.0.0")],
        ], roots: ["z": "*", "a": "*"])
        #expect(solution.order == ["a", "b", "m", "z"])
        #expect(Set(solution.versions.keys) == ["a", "b", "m", "z"])
    }

    @Test("versions of equal precedence count once: the first listed is kept")
    func duplicates() throws {
        let solution = try solve([
            "a": [try candidate("1.0.0+first", ["b": "*"]), try candidate("1.0.0+second", ["c": "*"])],
            "b": [try candidate("1.0.0")], "c": [try candidate("1.0.0")],
        ], roots: ["a": "*"])
        #expect(solution.summary == ["b 1.0.0", "a 1.0.0+first"])
    }

    @Test("a package with more than 64 versions is solved and explained like any other")
    func manyVersions() throws {
        // 1.0.0 … 1.99.0: the sets span two 64-bit words.
        let many = try (0..<100).map { try candidate("1.\($0).0") }
        let packages = ["a": many, "b": [try candidate("1.0.0", ["a": ">=1.65.0"])]]
        #expect(try solve(packages, roots: ["a": "<1.70.0", "b": "*"]).summary == ["a 1.69.0", "b 1.0.0"])
        #expect(try solve(packages, roots: ["a": "<1.70.0"], preferred: ["a": "1.3.0"]).summary == ["a 1.3.0"])
        let error = try failure(packages, roots: ["a": "<1.60.0", "b": "*"])
        #expect(error?.explanation == """
            Because every version of b depends on a >=1.65.0 and the root depends on a <1.60.0, every version of b is forbidden.
            So, because the root depends on any version of b, version solving failed.
            """)
    }

    @Test("no roots give an empty solution")
    func empty() throws {
        #expect(try solve([:], roots: [:]) == ResolverSolution(versions: [:], order: []))
    }

    @Test("the codes are declared once, each with its category")
    func codes() {
        let codes = ResolverFailure.knownCodes
        #expect(Set(codes.map(\.rawValue)) == ["resolve.no_solution", "resolve.unknown_package", "resolve.dependency_cycle"])
        #expect(ResolverFailure.Code(rawValue: "resolve.no_solution")?.category == .conflict)
        #expect(ResolverFailure.Code(rawValue: "resolve.unknown_package")?.category.exitCode == HyperMeshExitCode.refused)
    }
}
