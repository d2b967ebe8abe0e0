import HyperMeshManifest

/// The version ranges dependents ask of each id during one selection pass, as singly linked
/// lists over flat arrays (no allocation per id). Lists keep insertion order when read back.
struct DemandLists {
    struct Demand {
        let dependent: Int
        let range: VersionRange
    }

    private var head: [Int]
    private var tail: [Int]
    private var next: [Int] = []
    private var entries: [Demand] = []

    init(count: Int) {
        head = [Int](repeating: -1, count: count)
        tail = [Int](repeating: -1, count: count)
    }

    mutating func add(on target: Int, by dependent: Int, range: VersionRange) {
        let slot = entries.count
        entries.append(Demand(dependent: dependent, range: range))
        next.append(-1)
        if tail[target] >= 0 { next[tail[target]] = slot } else { head[target] = slot }
        tail[target] = slot
    }

    func hasAny(on target: Int) -> Bool { head[target] >= 0 }

    func allSatisfied(on target: Int, by version: SemanticVersion) -> Bool {
        var slot = head[target]
        while slot >= 0 {
            if !entries[slot].range.contains(version) { return false }
            slot = next[slot]
        }
        return true
    }

    /// Every demand on `target`, in the order they were added.
    func all(on target: Int) -> [Demand] {
        var result: [Demand] = []
        var slot = head[target]
        while slot >= 0 {
            result.append(entries[slot])
            slot = next[slot]
        }
        return result
    }
}
