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
    /// The ids, ascending (so an id is found by binary search, with no hashing).
    private let ids: [String]
    /// For each id index, the id indices it depends on.
    private let dependencies: [[Int]]
    /// For each id index, its position in `activationOrder`.
    private let position: [Int]

    /// - Parameters:
    ///   - ids: the ids, sorted ascending.
    ///   - dependencies: for each id, the indices (into `ids`) it depends on, ascending and unique.
    /// - Throws: ``ResolutionError/Code/cycle`` if the graph is not acyclic.
    ///
    /// Only the activation order is computed here; the query methods walk the graph when asked
    /// (they are rare, and precomputing their indexes was most of the cost of resolving).
    init(ids: [String], dependencies: [[Int]]) throws(ResolutionError) {
        let count = ids.count
        // Dependents in one flat array (compressed rows), so building them allocates twice, not per node.
        var remaining = [Int](repeating: 0, count: count)
        var rowStart = [Int](repeating: 0, count: count + 1)
        for targets in dependencies {
            for target in targets { rowStart[target + 1] += 1 }
        }
        for node in 0..<count {
            remaining[node] = dependencies[node].count
            rowStart[node + 1] += rowStart[node]
        }
        var fill = rowStart
        var dependents = [Int](repeating: 0, count: rowStart[count])
        for (node, targets) in dependencies.enumerated() {
            for target in targets {
                dependents[fill[target]] = node
                fill[target] += 1
            }
        }
        // Kahn's algorithm; the heap picks the smallest ready index, i.e. the smallest id.
        var ready = MinHeap()
        for node in 0..<count where remaining[node] == 0 { ready.push(node) }
        var order: [Int] = []
        order.reserveCapacity(count)
        while let node = ready.popMin() {
            order.append(node)
            for slot in rowStart[node]..<rowStart[node + 1] {
                let dependent = dependents[slot]
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
        self.activationOrder = order.map { ids[$0] }
        self.ids = ids
        self.dependencies = dependencies
        self.position = position
    }

    /// Dependents before dependencies: the reverse of ``activationOrder``.
    public var deactivationOrder: [String] { activationOrder.reversed() }

    /// Whether `id` is one of the selected extensions.
    public func contains(_ id: String) -> Bool { index(of: id) != nil }

    /// What `id` depends on directly, in activation order.
    public func directDependencies(of id: String) -> [String] {
        guard let node = index(of: id) else { return [] }
        return names(ofPositions: dependencies[node].map { position[$0] })
    }

    /// What depends on `id` directly, in deactivation order.
    public func directDependents(of id: String) -> [String] {
        guard let node = index(of: id) else { return [] }
        return names(ofPositions: dependents()[node].map { position[$0] }).reversed()
    }

    /// What `id` depends on, directly or transitively, in activation order.
    public func dependencies(of id: String) -> [String] {
        guard let node = index(of: id) else { return [] }
        return names(ofPositions: reachable(from: node, through: dependencies))
    }

    /// What depends on `id`, directly or transitively, in deactivation order.
    public func dependents(of id: String) -> [String] {
        guard let node = index(of: id) else { return [] }
        return names(ofPositions: reachable(from: node, through: dependents())).reversed()
    }

    /// The order in which to deactivate `id` together with everything that depends on it:
    /// ``dependents(of:)`` followed by `id`. Empty if `id` is not in the graph.
    public func deactivationCascade(of id: String) -> [String] {
        guard contains(id) else { return [] }
        return dependents(of: id) + [id]
    }

    /// Binary search in the sorted ids.
    private func index(of id: String) -> Int? {
        var low = 0
        var high = ids.count
        while low < high {
            let middle = (low + high) / 2
            if ids[middle] < id { low = middle + 1 } else { high = middle }
        }
        return low < ids.count && ids[low] == id ? low : nil
    }

    /// For each id index, the id indices that depend on it.
    private func dependents() -> [[Int]] {
        var result = [[Int]](repeating: [], count: ids.count)
        for (node, targets) in dependencies.enumerated() {
            for target in targets { result[target].append(node) }
        }
        return result
    }

    private func names(ofPositions positions: [Int]) -> [String] {
        positions.sorted().map { activationOrder[$0] }
    }

    /// Activation positions of the nodes reachable from `start` (excluding it). Iterative, so
    /// depth is unbounded.
    private func reachable(from start: Int, through adjacency: [[Int]]) -> [Int] {
        var visited = [Bool](repeating: false, count: adjacency.count)
        visited[start] = true
        var stack = [start]
        var found: [Int] = []
        while let node = stack.popLast() {
            for next in adjacency[node] where !visited[next] {
                visited[next] = true
                found.append(position[next])
                stack.append(next)
            }
        }
        return found
    }
}
