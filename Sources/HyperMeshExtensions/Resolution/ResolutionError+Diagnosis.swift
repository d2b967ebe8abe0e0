import HyperMeshManifest
import HyperMeshResolver

extension ResolutionError {
    /// A cycle, printed `a -> b -> c -> a`.
    static func cycle(_ members: [String]) -> ResolutionError {
        let path = (members + members.prefix(1)).joined(separator: " -> ")
        return ResolutionError(
            code: .cycle, extensionID: members.first ?? "",
            message: "dependency cycle: \(path); remove one of these dependencies", cycle: members)
    }

    /// A root of which no version is given at all.
    static func unknownRoot(_ id: String) -> ResolutionError {
        ResolutionError(
            code: .unknownExtension, extensionID: id,
            message: "\(id): no version of this extension is available; install it or check the id")
    }
}

extension ResolutionError {
    /// The solver's failure as a resolution error: its explanation is the message, and the code
    /// and the extension it is about are read from the facts the explanation rests on: a missing
    /// extension (``Code/missingDependency``), a range that matches no version
    /// (``Code/noMatchingVersion``), a version the host ABI rules out (``Code/abiIncompatible``),
    /// else a conflict about the extension the most ranges point at (``Code/versionConflict``).
    init(failure: ResolverFailure, universe: LocalUniverse) {
        if failure.code == .dependencyCycle {
            self.init(code: .cycle, extensionID: failure.cycle.first ?? "", message: failure.explanation, cycle: failure.cycle)
            return
        }
        var dependencies: [(dependent: String, target: String, range: VersionRange)] = []
        var unknown: String?
        var noMatch: String?
        var excluded: String?
        for fact in failure.facts {
            switch fact {
            case .dependency(let dependent, _, let target, let range):
                if let dependent { dependencies.append((dependent, target, range)) }
            case .unknownPackage(let dependent, _, let target, let range):
                unknown = unknown ?? target
                if let dependent { dependencies.append((dependent, target, range)) }
            case .noMatchingVersion(let dependent, _, let target, let range):
                noMatch = noMatch ?? target
                if let dependent { dependencies.append((dependent, target, range)) }
            case .excluded(let id, _, _):
                excluded = excluded ?? id
            }
        }
        let code: Code
        let subject: String
        if let unknown {
            (code, subject) = (.missingDependency, unknown)
        } else if let noMatch {
            (code, subject) = (.noMatchingVersion, noMatch)
        } else if let excluded {
            (code, subject) = (.abiIncompatible, excluded)
        } else {
            var counts: [String: Int] = [:]
            for dependency in dependencies { counts[dependency.target, default: 0] += 1 }
            let mostDemanded = counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
            (code, subject) = (.versionConflict, mostDemanded ?? failure.packages.first ?? "")
        }
        let requirements = dependencies.filter { $0.target == subject }
            .map { Requirement(dependent: $0.dependent, range: $0.range) }
            .sorted { $0.dependent < $1.dependent }
        self.init(
            code: code, extensionID: subject, message: failure.explanation,
            requirements: Array(Set(requirements)).sorted { ($0.dependent, $0.range.text) < ($1.dependent, $1.range.text) },
            available: universe.versions(of: subject))
    }
}
