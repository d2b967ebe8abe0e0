import Dispatch
import Synchronization
import Testing
@testable import HyperMeshExtensions

/// The call gate admits at most `limit` callers at once, and every waiter eventually gets in.
@Suite struct CallGateTests {
    final class Occupancy: Sendable {
        let inside = Atomic<Int>(0)
        let peak = Atomic<Int>(0)
        let completed = Atomic<Int>(0)
    }

    @Test(arguments: [1, 2, 4])
    func neverMoreThanTheLimitInside(limit: Int) {
        let gate = CallGate(limit: limit)
        let occupancy = Occupancy()
        DispatchQueue.concurrentPerform(iterations: 200) { _ in
            gate.enter()
            let now = occupancy.inside.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue
            var peak = occupancy.peak.load(ordering: .sequentiallyConsistent)
            while now > peak {
                let (done, current) = occupancy.peak.compareExchange(expected: peak, desired: now, ordering: .sequentiallyConsistent)
                if done { break }
                peak = current
            }
            for _ in 0..<1_000 { _ = occupancy.inside.load(ordering: .relaxed) }
            occupancy.inside.wrappingSubtract(1, ordering: .sequentiallyConsistent)
            occupancy.completed.wrappingAdd(1, ordering: .relaxed)
            gate.leave()
        }
        #expect(occupancy.completed.load(ordering: .relaxed) == 200)
        #expect(occupancy.peak.load(ordering: .relaxed) <= limit)
    }

    @Test func aLimitBelowOneMeansOne() {
        #expect(CallGate(limit: 0).limit == 1)
    }
}
