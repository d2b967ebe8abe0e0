import Foundation
@testable import HyperMeshExtensions
import Synchronization
import Testing

@Suite("Call executor")
struct CallExecutorTests {

    final class Counts: Sendable {
        let running = Atomic<Int>(0)
        let peak = Atomic<Int>(0)
        let done = Atomic<Int>(0)
    }

    @Test("work preferred onto the executor runs on its own threads, never on the caller's")
    func workRunsOnTheExecutorsThreads() async {
        let executor = CallExecutor(threadCount: 2, name: "hm-test")
        var onItsThreads = 0
        for _ in 0..<20 {
            if await executor.run({ executor.ownsCurrentThread }) { onItsThreads += 1 }
        }
        #expect(onItsThreads == 20)
        #expect(!executor.ownsCurrentThread)
        #expect((1...2).contains(executor.startedThreads))
    }

    @Test("at most threadCount jobs run at once, and every job runs")
    func concurrencyIsBounded() async {
        let executor = CallExecutor(threadCount: 3, name: "hm-bound")
        let counts = Counts()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<24 {
                group.addTask {
                    await executor.run {
                        let now = counts.running.wrappingAdd(1, ordering: .relaxed).newValue
                        counts.peak.max(now, ordering: .relaxed)
                        // Blocking on purpose: this is what the executor is for.
                        let until = ContinuousClock.now + .milliseconds(5)
                        while ContinuousClock.now < until {}
                        counts.running.wrappingSubtract(1, ordering: .relaxed)
                        counts.done.wrappingAdd(1, ordering: .relaxed)
                    }
                }
            }
        }
        #expect(counts.done.load(ordering: .relaxed) == 24)
        #expect(counts.peak.load(ordering: .relaxed) <= 3)
        #expect(counts.peak.load(ordering: .relaxed) >= 2)
    }

    @Test("hops there and back all complete (no lost wake-up)", .timeLimit(.minutes(2)))
    func hopsComplete() async {
        let executor = CallExecutor(threadCount: 2, name: "hm-hops")
        // From a thread of its own: the cooperative pool is kept busy by other suites.
        let caller = CallExecutor(threadCount: 1, name: "hm-hop-caller")
        let sum = await caller.run {
            var sum = 0
            for index in 0..<1_000 {
                sum += await executor.run { index }
            }
            return sum
        }
        // A lost wake-up would stall a hop for good (the time limit then fails the test).
        #expect(sum == 499_500)
    }
}
