import Benchmark
import HyperMeshManifest
import HyperMeshResolver

// PubGrub over a synthetic signed index of 10,000 extensions × 10 versions (SyntheticIndex:
// layered, 0-5 caret dependencies per version, one range in twenty asking for an older major,
// one version in 50 yanked), built once in setup from a fixed seed. Measured: one solve.
//   - solve: 20 applications, any version (`*`): the solver works around the conflicts and
//     settles on about a thousand extensions;
//   - unsatisfiable: the same 20 applications pinned to `^3.0.0`, which no combination allows:
//     the failure with its full explanation (a branching derivation with a numbered line).
// Targets: p50 ≤ 200 ms for the solve, ≤ 500 ms for the explained failure.

let indexSeed: UInt64 = 0x5EED_1DE5
let packageCount = 10_000

struct IndexFixture: Sendable {
    let index: SyntheticIndex
    let anyVersion: [String: VersionRange]
    let pinned: [String: VersionRange]
}

struct SetupError: Error, CustomStringConvertible {
    let description: String
}

func makeFixture() throws -> IndexFixture {
    let index = try SyntheticIndex(packageCount: packageCount, seed: indexSeed)
    var anyVersion: [String: VersionRange] = [:]
    var pinned: [String: VersionRange] = [:]
    for application in stride(from: 0, to: 400, by: 20) {
        anyVersion[SyntheticIndex.id(application)] = try VersionRange(parsing: "*")
        pinned[SyntheticIndex.id(application)] = try VersionRange(parsing: "^3.0.0")
    }
    // Sanity: the first request solves to a large set, the second fails with an explanation.
    let solver = PubGrubSolver(universe: index)
    let solution = try solver.solve(ResolverRequest(roots: anyVersion))
    guard solution.versions.count > 500 else {
        throw SetupError(description: "the solve selected only \(solution.versions.count) extensions")
    }
    do {
        _ = try solver.solve(ResolverRequest(roots: pinned))
        throw SetupError(description: "the pinned request was expected to fail")
    } catch let failure as ResolverFailure {
        guard failure.code == .noSolution, failure.explanation.contains("version solving failed") else {
            throw SetupError(description: "unexpected failure: \(failure)")
        }
    }
    return IndexFixture(index: index, anyVersion: anyVersion, pinned: pinned)
}

var indexConfiguration: Benchmark.Configuration {
    Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .milliseconds,
        warmupIterations: 2,
        maxDuration: .seconds(10),
        maxIterations: 100)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark("Index: solve 20 applications, 10k extensions x 10 versions", configuration: indexConfiguration) { _, fixture in
        blackHole(try PubGrubSolver(universe: fixture.index).solve(ResolverRequest(roots: fixture.anyVersion)))
    } setup: {
        try makeFixture()
    }

    Benchmark("Index: unsatisfiable, explained, 10k extensions x 10 versions", configuration: indexConfiguration) { _, fixture in
        let result = Result { () throws(ResolverFailure) in
            try PubGrubSolver(universe: fixture.index).solve(ResolverRequest(roots: fixture.pinned))
        }
        guard case .failure(let failure) = result else { throw SetupError(description: "the pinned request solved") }
        blackHole(failure.explanation)
    } setup: {
        try makeFixture()
    }
}
