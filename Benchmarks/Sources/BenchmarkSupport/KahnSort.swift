/// The floor of dependency resolution: Kahn's topological sort over integer adjacency lists,
/// with a first-in-first-out queue (no tie-breaking by id, no versions, no strings).
public enum KahnSort {
    /// Dependencies before dependents. Returns nil if the graph has a cycle.
    /// `dependencies[node]` lists the nodes `node` depends on.
    public static func order(dependencies: [[Int]]) -> [Int]? {
        let count = dependencies.count
        var pending = [Int](repeating: 0, count: count)
        var dependentsCount = [Int](repeating: 0, count: count)
        for node in 0..<count {
            pending[node] = dependencies[node].count
            for dependency in dependencies[node] { dependentsCount[dependency] += 1 }
        }
        // Dependents as one flat array (compressed rows), so the sort itself allocates nothing else.
        var start = [Int](repeating: 0, count: count + 1)
        for node in 0..<count { start[node + 1] = start[node] + dependentsCount[node] }
        var fill = start
        var dependents = [Int](repeating: 0, count: start[count])
        for node in 0..<count {
            for dependency in dependencies[node] {
                dependents[fill[dependency]] = node
                fill[dependency] += 1
            }
        }
        var order: [Int] = []
        order.reserveCapacity(count)
        for node in 0..<count where pending[node] == 0 { order.append(node) }
        var head = 0
        while head < order.count {
            let node = order[head]
            head += 1
            for index in start[node]..<start[node + 1] {
                let dependent = dependents[index]
                pending[dependent] -= 1
                if pending[dependent] == 0 { order.append(dependent) }
            }
        }
        return order.count == count ? order : nil
    }
}
