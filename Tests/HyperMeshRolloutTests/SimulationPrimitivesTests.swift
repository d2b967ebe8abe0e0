import Testing
@testable import HyperMeshRollout

@Suite("Simulation primitives")
struct SimulationPrimitivesTests {
    @Test("SplitMix64 gives the reference sequence and seeded permutations")
    func splitMix() {
        var rng = SplitMix64(seed: 0)
        #expect(rng.next() == 0xe220_a839_7b1d_cdaf)
        #expect(rng.next() == 0x6e78_9e6a_a1b9_65f4)
        var a = SplitMix64(seed: 9), b = SplitMix64(seed: 9)
        let permutation = a.permutation(of: 100)
        #expect(permutation == b.permutation(of: 100))
        #expect(permutation.sorted() == Array(0..<100))
        #expect(permutation != Array(0..<100))
        for _ in 0..<1_000 {
            let unit = a.nextUnit()
            #expect(unit >= 0 && unit < 1)
            #expect((0..<7).contains(a.nextIndex(below: 7)))
        }
    }

    @Test("the event queue pops by time, and events at the same time in the order they were scheduled")
    func eventQueue() {
        var queue = SimulationEventQueue<String>()
        queue.schedule("c", at: 2)
        queue.schedule("a", at: 1)
        queue.schedule("b", at: 1)
        queue.schedule("d", at: 2)
        queue.schedule("first", at: 0.5)
        var order: [String] = []
        while let next = queue.popFirst() { order.append(next.event) }
        #expect(order == ["first", "a", "b", "c", "d"])
        #expect(queue.isEmpty)
    }
}
