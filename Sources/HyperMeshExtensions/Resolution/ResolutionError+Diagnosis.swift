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

    /// Explains why no version of `id` can be chosen, naming the one root cause.
    ///
    /// - Parameters:
    ///   - versions: every available version of `id`, in any order (may be empty).
    ///   - requirements: the ranges pointing at `id` from the selected dependents.
    static func unresolvable(
        id: String, versions: [DependencyNode], requirements: [Requirement], hostABI: UInt32
    ) -> ResolutionError {
        let requirements = requirements.sorted { $0.dependent < $1.dependent }
        let sorted = versions.sorted { $0.version < $1.version }
        let available = sorted.map(\.version)
        let demands = requirements.map(\.description).joined(separator: ", ")
        func error(_ code: Code, _ message: String) -> ResolutionError {
            ResolutionError(code: code, extensionID: id, message: message, requirements: requirements, available: available)
        }

        if versions.isEmpty {
            if requirements.isEmpty {
                return error(.unknownExtension, "\(id): no version of this extension is available; install it or check the id")
            }
            return error(
                .missingDependency,
                "\(id): not available, but \(demands); install a version of \(id) that satisfies \(requirements.count == 1 ? "it" : "them")")
        }

        let satisfyingAll = sorted.filter { node in requirements.allSatisfy { $0.range.contains(node.version) } }
        if !satisfyingAll.isEmpty {
            // Only the host ABI stands in the way.
            let supported = satisfyingAll.map { "\($0.version) supports ABI \($0.abi)" }.joined(separator: ", ")
            let subject = requirements.isEmpty ? "no version" : "no version that satisfies \(demands)"
            return error(.abiIncompatible, "\(id): \(subject) supports host ABI \(hostABI) (\(supported))")
        }

        let someRangeMatchesNothing = requirements.contains { requirement in
            !sorted.contains { requirement.range.contains($0.version) }
        }
        let versionList = available.map(\.description).joined(separator: ", ")
        return error(
            someRangeMatchesNothing ? .noMatchingVersion : .versionConflict,
            "\(id): no version satisfies \(demands); available: \(versionList)")
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
