import HyperMeshManifest
import HyperMeshResolver
import Testing

/// The examples of the PubGrub description (pub's `doc/solver.md`), with `root` as the request.
@Suite("PubGrub: the scenarios of the algorithm's description")
struct SolverScenarioTests {
    @Test("with no conflict, each package gets the highest version its dependents allow")
    func noConflicts() throws {
        let solution = try solve([
            "foo": [try candidate("1.0.0", ["bar": "^1.0.0"])],
            "bar": [try candidate("1.0.0"), try candidate("2.0.0")],
        ], roots: ["foo": "^1.0.0"])
        #expect(solution.summary == ["bar 1.0.0", "foo 1.0.0"])
    }

    @Test("decision making avoids a version whose dependency would conflict")
    func avoidingConflictDuringDecisionMaking() throws {
        let solution = try solve([
            "foo": [try candidate("1.0.0"), try candidate("1.1.0", ["bar": "^2.0.0"])],
            "bar": [try candidate("1.0.0"), try candidate("1.1.0"), try candidate("2.0.0")],
        ], roots: ["foo": "^1.0.0", "bar": "^1.0.0"])
        #expect(solution.versions == ["foo": SemanticVersion(1, 0, 0), "bar": SemanticVersion(1, 1, 0)])
    }

    @Test("conflict resolution learns that the highest version cannot work and goes back to a lower one")
    func performingConflictResolution() throws {
        let solution = try solve([
            "foo": [try candidate("1.0.0"), try candidate("2.0.0", ["bar": "^1.0.0"])],
            "bar": [try candidate("1.0.0", ["foo": "^1.0.0"])],
        ], roots: ["foo": ">=1.0.0"])
        #expect(solution.summary == ["foo 1.0.0"])
    }

    @Test("conflict resolution with a partial satisfier finds a root cause three packages away")
    func conflictResolutionWithPartialSatisfier() throws {
        let solution = try solve([
            "foo": [try candidate("1.0.0"), try candidate("1.1.0", ["left": "^1.0.0", "right": "^1.0.0"])],
            "left": [try candidate("1.0.0", ["shared": ">=1.0.0"])],
            "right": [try candidate("1.0.0", ["shared": "<2.0.0"])],
            "shared": [try candidate("2.0.0"), try candidate("1.0.0", ["target": "^1.0.0"])],
            "target": [try candidate("2.0.0"), try candidate("1.0.0")],
        ], roots: ["foo": "^1.0.0", "target": "^2.0.0"])
        #expect(solution.summary == ["foo 1.0.0", "target 2.0.0"])
    }

    @Test("a linear failure is explained as one chain")
    func linearErrorReporting() throws {
        let error = try failure([
            "foo": [try candidate("1.0.0", ["bar": "^2.0.0"])],
            "bar": [try candidate("2.0.0", ["baz": "^3.0.0"])],
            "baz": [try candidate("1.0.0"), try candidate("3.0.0")],
        ], roots: ["foo": "^1.0.0", "baz": "^1.0.0"])
        #expect(error?.code == .noSolution)
        #expect(error?.explanation == """
            Because every version of foo depends on bar ^2.0.0 which depends on baz ^3.0.0, every version of foo requires baz ^3.0.0.
            So, because the root depends on baz ^1.0.0 and foo ^1.0.0, version solving failed.
            """)
        #expect(error?.packages == ["bar", "baz", "foo"])
    }

    @Test("a branching failure numbers the derivation it refers back to")
    func branchingErrorReporting() throws {
        let error = try failure([
            "foo": [try candidate("1.0.0", ["a": "^1.0.0", "b": "^1.0.0"]), try candidate("1.1.0", ["x": "^1.0.0", "y": "^1.0.0"])],
            "a": [try candidate("1.0.0", ["b": "^2.0.0"])],
            "b": [try candidate("1.0.0"), try candidate("2.0.0")],
            "x": [try candidate("1.0.0", ["y": "^2.0.0"])],
            "y": [try candidate("1.0.0"), try candidate("2.0.0")],
        ], roots: ["foo": "^1.0.0"])
        #expect(error?.code == .noSolution)
        #expect(error?.explanation == """
                Because foo 1.0.0 depends on a ^1.0.0 which depends on b ^2.0.0, foo 1.0.0 requires b ^2.0.0.
            (1) So, because foo 1.0.0 depends on b ^1.0.0, foo 1.0.0 is forbidden.

                Because foo 1.1.0 depends on x ^1.0.0 which depends on y ^2.0.0, foo 1.1.0 requires y ^2.0.0.
                And because foo 1.1.0 depends on y ^1.0.0, foo 1.1.0 is forbidden.
                And because foo 1.0.0 is forbidden (1), every version of foo is forbidden.
                So, because the root depends on foo ^1.0.0, version solving failed.
            """)
    }
}
