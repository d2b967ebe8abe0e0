/// Finds one dependency cycle in a graph of integer nodes, without recursion.
///
/// Nodes are indices whose order is the id order; `dependencies[i]` lists the nodes `i` depends
/// on, ascending. The cycle reported is deterministic: start from the smallest node that cannot
/// be ordered, follow its smallest such dependency until a node repeats, then rotate the cycle
/// so that it starts at its smallest member.
enum CycleFinder {
    /// A cycle among the nodes marked in `isBlocked`, where every blocked node has at least one
    /// blocked dependency (true of the nodes that Kahn's algorithm leaves behind).
    static func cycle(dependencies: [[Int]], isBlocked: [Bool]) -> [Int]? {
        guard let start = isBlocked.firstIndex(of: true) else { return nil }
        var seenAt = [Int](repeating: -1, count: dependencies.count)
        var path: [Int] = []
        var node = start
        while seenAt[node] < 0 {
            seenAt[node] = path.count
            path.append(node)
            guard let next = dependencies[node].first(where: { isBlocked[$0] }) else { return nil }
            node = next
        }
        let members = Array(path[seenAt[node]...])
        let smallest = members.indices.min { members[$0] < members[$1] }!
        return Array(members[smallest...] + members[..<smallest])
    }
}
