import HyperMeshManifest

/// Chooses one version per needed id, dependents first (see ``DependencyResolver`` for the rules).
///
/// The processing order is the reverse post-order of an iterative depth-first search from the
/// roots over every dependency any host-compatible version may have. Without cycles in that
/// graph, every dependent of an id is processed before the id, so a single pass sees every range
/// and is final. With cycles, ranges along the edges that point backwards in the order come from
/// the previous pass, and passes repeat until the choices no longer change.
struct VersionSelection {
    let index: ResolverIndex
    let roots: [Int]
    let hostABI: UInt32

    /// A range on one id from one chosen dependent.

    /// The chosen version (an index into `index.versions[id]`) per id, or -1 where not needed.
    /// Ids chosen only through a stale cycle may be included; the caller keeps what the roots reach.
    func run() throws(ResolutionError) -> [Int] {
        let (order, hasBackEdge) = dependentsFirstOrder()
        var position = [Int](repeating: -1, count: index.ids.count)
        for (rank, id) in order.enumerated() { position[id] = rank }

        var previous = try pass(order: order, position: position, previous: nil)
        guard hasBackEdge else { return previous }
        var unsettled: [Int] = []
        for _ in 1..<DependencyResolver.maximumRounds {
            let current = try pass(order: order, position: position, previous: previous)
            if current == previous { return current }
            unsettled = current.indices.filter { current[$0] != previous[$0] }
            previous = current
        }
        // Choices keep changing only along a cycle among the ids the roots reach.
        let reachable = index.possibleDependencies.indices.map { position[$0] >= 0 ? index.possibleDependencies[$0] : [] }
        let members = CycleFinder.cycle(dependencies: reachable) ?? unsettled
        throw ResolutionError.cycle(members.map { index.ids[$0] })
    }

    /// One pass over `order`; `previous` supplies the ranges along backward edges.
    private func pass(order: [Int], position: [Int], previous: [Int]?) throws(ResolutionError) -> [Int] {
        let count = index.ids.count
        var chosen = [Int](repeating: -1, count: count)
        var needed = [Bool](repeating: false, count: count)
        for root in roots { needed[root] = true }
        // Demands on each id as linked lists over flat arrays: no allocation per id.
        var demands = DemandLists(count: count)
        if let previous {
            for dependent in order where previous[dependent] >= 0 {
                for edge in index.versions[dependent][previous[dependent]].dependencies
                where edge.target != dependent && position[edge.target] < position[dependent] {
                    demands.add(on: edge.target, by: dependent, range: edge.range)
                    needed[edge.target] = true
                }
            }
        }
        for id in order where needed[id] {
            let choice = try choose(id, demands: demands)
            chosen[id] = choice
            for edge in index.versions[id][choice].dependencies
            where edge.target != id && position[edge.target] > position[id] {
                demands.add(on: edge.target, by: id, range: edge.range)
                needed[edge.target] = true
            }
        }
        return chosen
    }

    /// The highest candidate of `id` that supports the host and satisfies every demand on it
    /// (with no demand, the highest release, else the highest pre-release).
    private func choose(_ id: Int, demands: DemandLists) throws(ResolutionError) -> Int {
        let candidates = index.versions[id]
        if !demands.hasAny(on: id) {
            if let release = candidates.firstIndex(where: { $0.supportsHost && !$0.node.version.isPrerelease }) {
                return release
            }
            if let prerelease = candidates.firstIndex(where: \.supportsHost) { return prerelease }
        } else {
            for (offset, candidate) in candidates.enumerated()
            where candidate.supportsHost && demands.allSatisfied(on: id, by: candidate.node.version) {
                return offset
            }
        }
        throw ResolutionError.unresolvable(
            id: index.ids[id],
            versions: candidates.map(\.node),
            requirements: demands.all(on: id).map { ResolutionError.Requirement(dependent: index.ids[$0.dependent], range: $0.range) },
            hostABI: hostABI)
    }


    /// Reverse post-order of an iterative depth-first search from the roots (ascending) over
    /// ``ResolverIndex/possibleDependencies``, and whether the search met an edge back to a node
    /// still on its path (a possible cycle, including a self-dependency).
    private func dependentsFirstOrder() -> (order: [Int], hasBackEdge: Bool) {
        let adjacency = index.possibleDependencies
        // 0 = unvisited, 1 = on the current path, 2 = finished.
        var mark = [UInt8](repeating: 0, count: adjacency.count)
        var postOrder: [Int] = []
        var hasBackEdge = false
        var stack: [(node: Int, next: Int)] = []
        for root in roots where mark[root] == 0 {
            mark[root] = 1
            stack.append((root, 0))
            while let top = stack.last {
                let targets = adjacency[top.node]
                if top.next < targets.count {
                    stack[stack.count - 1].next += 1
                    let target = targets[top.next]
                    if mark[target] == 0 {
                        mark[target] = 1
                        stack.append((target, 0))
                    } else if mark[target] == 1 {
                        hasBackEdge = true
                    }
                } else {
                    mark[top.node] = 2
                    postOrder.append(top.node)
                    stack.removeLast()
                }
            }
        }
        return (postOrder.reversed(), hasBackEdge)
    }
}
