import HyperMeshManifest
import HyperMeshResolver

/// A synthetic signed-index universe: `packageCount` extensions × 10 versions (1.0.0 … 3.3.0,
/// three majors), built from a seed.
///
/// Extensions form three layers, as an ecosystem does: applications (the first 20%) depend on
/// libraries (the next 40%), libraries on core libraries (the last 40%), core libraries on later
/// core libraries; so the package graph is acyclic. Each major of each extension has its own
/// dependency set, with caret ranges: 0-5 dependencies for applications, 0-3 for libraries, 0-2
/// for core libraries (uniformly); `x.2.0` and later add one more. A major-3 version asks for
/// the dependency's major 3, except one range in twenty, which asks for major 2 (conflicts the
/// solver must work around); majors 1 and 2 ask for the same major of the dependency. One
/// version in 50 is excluded (`is yanked`).
struct SyntheticIndex: ResolverUniverse {
    static let versions: [(major: UInt64, minor: UInt64)] = [
        (1, 0), (1, 1), (1, 2), (2, 0), (2, 1), (2, 2), (3, 0), (3, 1), (3, 2), (3, 3),
    ]

    let packages: [[ResolverCandidate]]

    static func id(_ index: Int) -> String {
        let digits = String(index)
        return "org.index.e" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    init(packageCount: Int, seed: UInt64) throws {
        var generator = SplitMix64(state: seed)
        var caret: [UInt64: VersionRange] = [:]
        for major in 1...3 as ClosedRange<UInt64> { caret[major] = try VersionRange(parsing: "^\(major).0.0") }
        var packages: [[ResolverCandidate]] = []
        packages.reserveCapacity(packageCount)
        let libraries = packageCount / 5
        let core = packageCount * 3 / 5
        for index in 0..<packageCount {
            // The range of indices this extension may depend on, and its most dependencies.
            let (targets, most): (Range<Int>, Int) =
                index < libraries ? (libraries..<core, 5) : index < core ? (core..<packageCount, 3) : (index + 1..<packageCount, 2)
            var byMajor: [UInt64: [String: VersionRange]] = [:]
            var extra: [UInt64: (String, VersionRange)] = [:]
            for major in 1...3 as ClosedRange<UInt64> {
                var dependencies: [String: VersionRange] = [:]
                let count = targets.isEmpty ? 0 : Int.random(in: 0...most, using: &generator)
                for _ in 0..<count {
                    let targetMajor: UInt64 = major == 3 && Int.random(in: 0..<20, using: &generator) == 0 ? 2 : major
                    dependencies[Self.id(Int.random(in: targets, using: &generator))] = caret[targetMajor]!
                }
                byMajor[major] = dependencies
                if !targets.isEmpty {
                    extra[major] = (Self.id(Int.random(in: targets, using: &generator)), caret[major]!)
                }
            }
            packages.append(Self.versions.map { version in
                var dependencies = byMajor[version.major]!
                if version.minor >= 2, let (target, range) = extra[version.major], dependencies[target] == nil {
                    dependencies[target] = range
                }
                let yanked = Int.random(in: 0..<50, using: &generator) == 0
                return ResolverCandidate(
                    version: SemanticVersion(version.major, version.minor, 0), dependencies: dependencies,
                    exclusion: yanked ? "is yanked" : nil)
            })
        }
        self.packages = packages
    }

    func candidates(of id: String) -> [ResolverCandidate] {
        guard id.hasPrefix("org.index.e"), let index = Int(id.dropFirst("org.index.e".count)), packages.indices.contains(index) else {
            return []
        }
        return packages[index]
    }
}

/// SplitMix64: a small seeded generator, so the universe is the same on every run.
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
