import HyperMeshManifest
import HyperMeshResolver

/// A candidate for tests: `candidate("1.2.0", ["b": "^1.0.0"])`.
func candidate(_ version: String, _ dependencies: [String: String] = [:], excluded: String? = nil) throws -> ResolverCandidate {
    var ranges: [String: VersionRange] = [:]
    for (id, range) in dependencies { ranges[id] = try VersionRange(parsing: range) }
    return ResolverCandidate(version: try SemanticVersion(parsing: version), dependencies: ranges, exclusion: excluded)
}

/// Solves `roots` over `packages`.
func solve(
    _ packages: [String: [ResolverCandidate]], roots: [String: String], preferred: [String: String] = [:]
) throws -> ResolverSolution {
    var ranges: [String: VersionRange] = [:]
    for (id, range) in roots { ranges[id] = try VersionRange(parsing: range) }
    var versions: [String: SemanticVersion] = [:]
    for (id, version) in preferred { versions[id] = try SemanticVersion(parsing: version) }
    return try PubGrubSolver(universe: DictionaryUniverse(packages)).solve(ResolverRequest(roots: ranges, preferred: versions))
}

/// The failure of solving `roots` over `packages`, or nil if it succeeds.
func failure(_ packages: [String: [ResolverCandidate]], roots: [String: String]) throws -> ResolverFailure? {
    do {
        _ = try solve(packages, roots: roots)
        return nil
    } catch let error as ResolverFailure {
        return error
    }
}

extension ResolverSolution {
    /// `id version` in load order.
    var summary: [String] { order.map { "\($0) \(versions[$0]!)" } }
}

/// SplitMix64: a small seeded generator, so the randomized tests are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
