import HyperMeshManifest
import HyperMeshResolver

/// The PubGrub solver on package universes drawn from the input: up to five packages, up to four
/// versions each (prereleases among them), up to three dependencies per version (cycles possible),
/// yanked versions, one or two roots and preferred versions.
///
/// Invariants: the solve ends (libFuzzer's timeout catches a hang); a solution chooses one
/// eligible version per package that satisfies the roots and every dependency, and its order
/// loads each package after its dependencies; a failure has an explanation; a failure other than a
/// dependency cycle is confirmed by brute force (no selection of versions satisfies the request);
/// a cycle names packages that depend on each other in that order.
public struct ResolverFuzzTarget: FuzzTarget {
    static let ids = ["p0", "p1", "p2", "p3", "p4"]
    static let versions = ["1.0.0", "1.1.0", "1.2.0", "2.0.0", "2.1.0", "3.0.0", "3.0.0-rc.1", "0.1.0"]
    static let ranges = ["^1.0.0", "^2.0.0", ">=1.1.0", "<2.0.0", "*", "~1.1.0", "=3.0.0", "^1.0.0 || ^3.0.0",
                         ">=3.0.0-rc.1", "^4.0.0", ">=1.0.0 <2.1.0", "^0.1.0", "=1.0.0 || =2.1.0", ">3.0.0-rc.1"]

    public init() {}
    public var name: String { "resolver" }
    public var summary: String { "PubGrub on random package graphs: solutions checked against every constraint, failures against brute force" }

    public func run(_ input: [UInt8]) throws(FuzzFinding) {
        var reader = FuzzInput(input)
        let packages = Self.universe(&reader)
        var roots: [String: VersionRange] = [:]
        for _ in 0..<reader.int(in: 1...2) {
            roots[reader.pick(Self.ids)] = Self.range(reader.pick(Self.ranges))
        }
        var preferred: [String: SemanticVersion] = [:]
        if reader.bool() { preferred[reader.pick(Self.ids)] = Self.version(reader.pick(Self.versions)) }

        let solution: ResolverSolution
        do throws(ResolverFailure) {
            solution = try PubGrubSolver(universe: DictionaryUniverse(packages)).solve(ResolverRequest(roots: roots, preferred: preferred))
        } catch {
            guard !error.explanation.isEmpty else { throw FuzzFinding(name, "a failure without an explanation", "\(error.code.rawValue)") }
            if error.code == .dependencyCycle {
                try checkCycle(error.cycle, packages: packages)
            } else if ResolverOracle.bruteForceHasSolution(roots: roots, packages: packages) {
                throw FuzzFinding(name, "the solver failed (\(error.code.rawValue)) but a solution exists", error.explanation)
            }
            return
        }
        try check(solution, roots: roots, packages: packages)
    }

    func check(_ solution: ResolverSolution, roots: [String: VersionRange], packages: [String: [ResolverCandidate]]) throws(FuzzFinding) {
        guard ResolverOracle.isValid(solution.versions, roots: roots, packages: packages) else {
            throw FuzzFinding(name, "a solution violates a constraint", "\(solution.versions)")
        }
        guard solution.order.count == solution.versions.count, Set(solution.order) == Set(solution.versions.keys) else {
            throw FuzzFinding(name, "the load order does not list each chosen package once", "\(solution.order)")
        }
        let position = Dictionary(uniqueKeysWithValues: solution.order.enumerated().map { ($1, $0) })
        for (id, version) in solution.versions {
            guard let chosen = packages[id]?.first(where: { $0.version.hasSamePrecedence(as: version) }) else { continue }
            for target in chosen.dependencies.keys where (position[target] ?? .max) >= (position[id] ?? .max) {
                throw FuzzFinding(name, "the load order puts \(id) before its dependency \(target)", "\(solution.order)")
            }
        }
    }

    func checkCycle(_ cycle: [String], packages: [String: [ResolverCandidate]]) throws(FuzzFinding) {
        guard cycle.count >= 2 else { throw FuzzFinding(name, "a dependency cycle of fewer than two packages", "\(cycle)") }
        // The cycle may be listed in either direction (dependent first, or dependency first).
        func closes(_ order: [String]) -> Bool {
            zip(order, order.dropFirst() + [order[0]]).allSatisfy { from, to in
                from == to || packages[from]?.contains(where: { $0.dependencies[to] != nil }) == true
            }
        }
        guard closes(cycle) || closes(cycle.reversed()) else {
            throw FuzzFinding(name, "a reported cycle names a dependency no version has", "\(cycle)")
        }
    }

    static func universe(_ reader: inout FuzzInput) -> [String: [ResolverCandidate]] {
        var packages: [String: [ResolverCandidate]] = [:]
        for id in ids where reader.byte() % 8 != 0 {
            var candidates: [ResolverCandidate] = []
            var seen: Set<String> = []
            for _ in 0..<reader.int(in: 1...4) {
                let version = reader.pick(versions)
                guard seen.insert(version).inserted else { continue }
                var dependencies: [String: VersionRange] = [:]
                for _ in 0..<reader.int(in: 0...3) {
                    let target = reader.pick(ids)
                    if target != id { dependencies[target] = range(reader.pick(ranges)) }
                }
                let excluded = reader.byte() % 8 == 0 ? "is yanked" : nil
                candidates.append(ResolverCandidate(version: Self.version(version), dependencies: dependencies, exclusion: excluded))
            }
            packages[id] = candidates
        }
        return packages
    }

    static func version(_ text: String) -> SemanticVersion { try! SemanticVersion(parsing: text) }
    static func range(_ text: String) -> VersionRange { try! VersionRange(parsing: text) }

    public func seeds() throws -> [FuzzSeed] {
        [
            FuzzSeed("chain", [1, 2, 0, 1, 1, 6, 1, 1, 2, 0, 1, 2, 4, 1, 0, 1, 0, 1, 0, 0, 1, 0, 4, 0]),
            FuzzSeed("conflict", [1, 3, 3, 2, 1, 0, 2, 2, 1, 1, 0, 3, 1, 3, 9, 1, 1, 2, 1, 0, 0, 1, 0, 2, 0, 1, 1]),
            FuzzSeed("cycle", [1, 1, 0, 1, 1, 4, 1, 1, 0, 1, 0, 4, 1, 0, 0, 0, 1, 0, 4, 1]),
        ]
    }
}
