import HyperMeshFuzzing
import HyperMeshManifest
import HyperMeshResolver
import Testing

/// Small random universes (seeded, so every run is the same): every solution found satisfies
/// every constraint, and every failure other than a cycle is confirmed by brute force
/// (``ResolverOracle``, shared with the resolver's fuzz harness).
@Suite("PubGrub: randomized universes against brute force")
struct RandomizedSolverTests {
    static let ids = ["p0", "p1", "p2", "p3", "p4"]
    static let versions = ["1.0.0", "1.1.0", "1.2.0", "2.0.0", "2.1.0", "3.0.0", "3.0.0-rc.1"]
    static let ranges = ["^1.0.0", "^2.0.0", ">=1.1.0", "<2.0.0", "*", "~1.1.0", "=3.0.0", "^1.0.0 || ^3.0.0", ">=3.0.0-rc.1", "^4.0.0"]

    static func universe(using generator: inout SplitMix64) throws -> [String: [ResolverCandidate]] {
        var packages: [String: [ResolverCandidate]] = [:]
        // p4 is sometimes absent: dependencies on it then name an unknown package.
        for id in ids where id != "p4" || Bool.random(using: &generator) {
            let count = Int.random(in: 1...4, using: &generator)
            var candidates: [ResolverCandidate] = []
            for version in versions.shuffled(using: &generator).prefix(count) {
                var dependencies: [String: String] = [:]
                for _ in 0..<Int.random(in: 0...2, using: &generator) {
                    // Mostly towards higher ids, sometimes back (cycles are possible).
                    let target = ids.randomElement(using: &generator)!
                    if target == id { continue }
                    dependencies[target] = ranges.randomElement(using: &generator)!
                }
                let excluded = Int.random(in: 0..<8, using: &generator) == 0 ? "is yanked" : nil
                candidates.append(try candidate(version, dependencies, excluded: excluded))
            }
            packages[id] = candidates
        }
        return packages
    }

    @Test("200 random universes: solutions are valid, failures are real", .timeLimit(.minutes(5)))
    func randomUniverses() throws {
        var generator = SplitMix64(state: 0xC0FFEE)
        var outcomes: [String: Int] = [:]
        for round in 0..<200 {
            let packages = try Self.universe(using: &generator)
            var roots: [String: VersionRange] = [:]
            for _ in 0..<Int.random(in: 1...2, using: &generator) {
                roots[Self.ids.randomElement(using: &generator)!] = try VersionRange(parsing: Self.ranges.randomElement(using: &generator)!)
            }
            do {
                let solution = try PubGrubSolver(universe: DictionaryUniverse(packages)).solve(ResolverRequest(roots: roots))
                outcomes["solved", default: 0] += 1
                #expect(ResolverOracle.isValid(solution.versions, roots: roots, packages: packages), "round \(round)")
                // The order is a load order: each package after what it depends on.
                let position = Dictionary(uniqueKeysWithValues: solution.order.enumerated().map { ($1, $0) })
                #expect(Set(solution.order) == Set(solution.versions.keys), "round \(round)")
                for (id, version) in solution.versions {
                    let chosen = packages[id]!.first { $0.version.hasSamePrecedence(as: version) }!
                    for target in chosen.dependencies.keys {
                        #expect(position[target]! < position[id]!, "round \(round)")
                    }
                }
            } catch {
                outcomes[error.code.rawValue, default: 0] += 1
                #expect(!error.explanation.isEmpty)
                if error.code == .dependencyCycle {
                    #expect(!error.cycle.isEmpty, "round \(round)")
                } else {
                    #expect(!ResolverOracle.bruteForceHasSolution(roots: roots, packages: packages),
                            "round \(round): the solver failed but a solution exists\n\(error.explanation)")
                }
            }
        }
        // The seed gives a mix of outcomes, so each path above is exercised.
        #expect(outcomes["solved", default: 0] >= 20)
        #expect(outcomes["resolve.no_solution", default: 0] >= 10)
        #expect(outcomes["resolve.unknown_package", default: 0] >= 1)
        #expect(outcomes["resolve.dependency_cycle", default: 0] >= 1)
    }
}
