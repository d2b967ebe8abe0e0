import HyperMeshManifest
import HyperMeshResolver

/// What a resolver's answer is checked against, by the resolver harness and the randomized solver
/// tests: a selection's validity, and brute force over every selection of a small universe.
public enum ResolverOracle {
    /// Whether `selection` satisfies the roots and every dependency, using eligible candidates only.
    public static func isValid(_ selection: [String: SemanticVersion], roots: [String: VersionRange], packages: [String: [ResolverCandidate]]) -> Bool {
        for (id, range) in roots {
            guard let version = selection[id], range.contains(version) else { return false }
        }
        for (id, version) in selection {
            guard let chosen = packages[id]?.first(where: { $0.version.hasSamePrecedence(as: version) }), chosen.exclusion == nil else { return false }
            for (target, range) in chosen.dependencies {
                guard let targetVersion = selection[target], range.contains(targetVersion) else { return false }
            }
        }
        return true
    }

    /// Whether any selection (each package: none or one eligible version) is valid.
    public static func bruteForceHasSolution(roots: [String: VersionRange], packages: [String: [ResolverCandidate]]) -> Bool {
        let ids = packages.keys.sorted()
        var selection: [String: SemanticVersion] = [:]
        func search(_ position: Int) -> Bool {
            if position == ids.count { return isValid(selection, roots: roots, packages: packages) }
            let id = ids[position]
            selection[id] = nil
            if search(position + 1) { return true }
            for candidate in packages[id] ?? [] where candidate.exclusion == nil {
                selection[id] = candidate.version
                if search(position + 1) { return true }
            }
            selection[id] = nil
            return false
        }
        return search(0)
    }
}
