/// The packages waiting for a decision, smallest key first: fewest usable versions, then lowest
/// package index (the order packages were met). Entries go stale as the partial solution
/// changes; the solver checks each popped entry against the current state and pushes a fresh
/// one whenever a package's assignments change, so a stale entry is simply skipped.
struct PackageQueue {
    private var heap: [(count: Int, package: Int)] = []

    private static func less(_ lhs: (count: Int, package: Int), _ rhs: (count: Int, package: Int)) -> Bool {
        lhs.count != rhs.count ? lhs.count < rhs.count : lhs.package < rhs.package
    }

    mutating func push(count: Int, package: Int) {
        heap.append((count, package))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.less(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (count: Int, package: Int)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count && Self.less(heap[left], heap[smallest]) { smallest = left }
            if right < heap.count && Self.less(heap[right], heap[smallest]) { smallest = right }
            if smallest == parent { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
