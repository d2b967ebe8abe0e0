import HyperMeshManifest

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
