/// The dependency graph of a set of selected extensions (one version per id), in activation
/// order: a dependency always comes before its dependents, and among extensions that could come
/// next, the smallest id comes first, so the order is the same on every run.
///
/// Answers who depends on whom, directly or transitively, to refuse unregistering an extension
/// that others need and to compute the order of a cascade. Queries about an id that is not in
/// the graph return an empty list. Built by ``DependencyResolver``.
public struct DependencyGraph: Sendable {
    /// Every id, dependencies before dependents, ties broken by id.
    public let activationOrder: [String]
    private let positionByID: [String: Int]
    /// Indexed by position in `activationOrder`; positions, ascending.
    private let dependencyPositions: [[Int]]
    private let dependentPositions: [[Int]]

    /// - Parameters:
    ///   - ids: the ids, sorted ascending.
    ///   - dependencies: for each id, the indices (into `ids`) it depends on, ascending and unique.
    /// - Throws: ``ResolutionError/Code/cycle`` if the graph is not acyclic.
    init(ids: [String], dependencies: [[Int]]) throws(ResolutionError) {
        let count = ids.count
        var remaining = dependencies.map(\.count)
        var dependents = [[Int]](repeating: [], count: count)
        for (node, targets) in dependencies.enumerated() {
            for target in targets { dependents[target].append(node) }
        }
        // Kahn's algorithm; the heap picks the smallest ready index, i.e. the smallest id.
        var ready = MinHeap()
        for node in 0..<count where remaining[node] == 0 { ready.push(node) }
        var order: [Int] = []
        order.reserveCapacity(count)
        while let node = ready.popMin() {
            order.append(node)
            for dependent in dependents[node] {
                remaining[dependent] -= 1
                if remaining[dependent] == 0 { ready.push(dependent) }
            }
        }
        if order.count < count {
            let members = CycleFinder.cycle(dependencies: dependencies, isBlocked: remaining.map { $0 > 0 }) ?? []
            throw ResolutionError.cycle(members.map { ids[$0] })
        }

        var position = [Int](repeating: 0, count: count)
        for (index, node) in order.enumerated() { position[node] = index }
        activationOrder = order.map { ids[$0] }
        positionByID = Dictionary(uniqueKeysWithValues: activationOrder.enumerated().map { ($1, $0) })
        dependencyPositions = order.map { node in dependencies[node].map { position[$0] }.sorted() }
        dependentPositions = order.map { node in dependents[node].map { position[$0] }.sorted() }
    }

    /// Every id, dependents before their dependencies: the reverse of ``activationOrder``.
    public var deactivationOrder: [String] { activationOrder.reversed() }

    public func contains(_ id: String) -> Bool { positionByID[id] != nil }

    /// What `id` depends on directly, in activation order.
    public func directDependencies(of id: String) -> [String] {
        guard let position = positionByID[id] else { return [] }
        return dependencyPositions[position].map { activationOrder[$0] }
    }

    /// What depends on `id` directly, in deactivation order.
    public func directDependents(of id: String) -> [String] {
        guard let position = positionByID[id] else { return [] }
        return dependentPositions[position].reversed().map { activationOrder[$0] }
    }

    /// What `id` depends on, directly or transitively, in activation order (excluding `id`).
    public func dependencies(of id: String) -> [String] {
        guard let position = positionByID[id] else { return [] }
        return reachable(from: position, through: dependencyPositions).map { activationOrder[$0] }
    }

    /// What depends on `id`, directly or transitively, in deactivation order (excluding `id`):
    /// deactivating them in this order, then `id`, never leaves an active extension without
    /// an active dependency.
    public func dependents(of id: String) -> [String] {
        guard let position = positionByID[id] else { return [] }
        return reachable(from: position, through: dependentPositions).reversed().map { activationOrder[$0] }
    }

    /// The order in which to deactivate `id` together with everything that depends on it:
    /// ``dependents(of:)`` followed by `id`. Empty if `id` is not in the graph.
    public func deactivationCascade(of id: String) -> [String] {
        guard contains(id) else { return [] }
        return dependents(of: id) + [id]
    }

    /// Positions reachable from `start` (excluding it), ascending. Iterative, so depth is unbounded.
    private func reachable(from start: Int, through adjacency: [[Int]]) -> [Int] {
        var visited = [Bool](repeating: false, count: adjacency.count)
        visited[start] = true
        var stack = [start]
        var found: [Int] = []
        while let node = stack.popLast() {
            for next in adjacency[node] where !visited[next] {
                visited[next] = true
                found.append(next)
                stack.append(next)
            }
        }
        return found.sorted()
    }
}
