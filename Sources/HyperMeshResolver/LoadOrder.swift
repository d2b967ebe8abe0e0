import HyperMeshManifest

/// Orders chosen versions dependencies first (Kahn's algorithm; among packages ready together,
/// the smallest id first), or finds a cycle among them. Iterative, so depth is unbounded.
struct LoadOrder {
    /// Sorted ascending.
    let ids: [String]
    /// Per id, the ids it depends on (ids outside `ids` are ignored).
    let dependencies: [[String]]
    /// Per id, its chosen version (for the cycle's text).
    let versions: [SemanticVersion]

    func order() throws(ResolverFailure) -> [String] {
        var indexByID: [String: Int] = [:]
        for (index, id) in ids.enumerated() { indexByID[id] = index }
        let edges: [[Int]] = dependencies.map { targets in Set(targets.compactMap { indexByID[$0] }).sorted() }
        var remaining = edges.map(\.count)
        var dependents = [[Int]](repeating: [], count: ids.count)
        for (node, targets) in edges.enumerated() {
            for target in targets { dependents[target].append(node) }
        }
        var ready = MinIndexHeap()
        for node in ids.indices where remaining[node] == 0 { ready.push(node) }
        var order: [Int] = []
        order.reserveCapacity(ids.count)
        while let node = ready.pop() {
            order.append(node)
            for dependent in dependents[node] {
                remaining[dependent] -= 1
                if remaining[dependent] == 0 { ready.push(dependent) }
            }
        }
        if order.count < ids.count { throw cycleFailure(edges: edges, blocked: remaining.map { $0 > 0 }) }
        return order.map { ids[$0] }
    }

    /// From the smallest blocked id, follow the smallest blocked dependency until an id repeats;
    /// the cycle found is rotated to start at its smallest id.
    private func cycleFailure(edges: [[Int]], blocked: [Bool]) -> ResolverFailure {
        var seenAt = [Int](repeating: -1, count: ids.count)
        var path: [Int] = []
        var node = blocked.firstIndex(of: true) ?? 0
        while seenAt[node] < 0 {
            seenAt[node] = path.count
            path.append(node)
            // Every node left by Kahn's algorithm has a blocked dependency.
            node = edges[node].first { blocked[$0] } ?? node
        }
        var members = Array(path[seenAt[node]...])
        if let smallest = members.indices.min(by: { members[$0] < members[$1] }) {
            members = Array(members[smallest...] + members[..<smallest])
        }
        let text = (members + members.prefix(1)).map { "\(ids[$0]) \(versions[$0])" }.joined(separator: " -> ")
        return ResolverFailure(
            code: .dependencyCycle,
            explanation: "The chosen versions depend on each other in a cycle: \(text). "
                + "Extensions load in dependency order, so one of these dependencies must go.",
            packages: members.map { ids[$0] }.sorted(), cycle: members.map { ids[$0] })
    }
}

/// A binary min-heap of integers.
struct MinIndexHeap {
    private var items: [Int] = []

    mutating func push(_ value: Int) {
        items.append(value)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Int? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < items.count && items[left] < items[smallest] { smallest = left }
            if right < items.count && items[right] < items[smallest] { smallest = right }
            if smallest == parent { return top }
            items.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
