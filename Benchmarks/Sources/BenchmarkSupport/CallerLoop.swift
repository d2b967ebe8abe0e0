import Dispatch
import Foundation
import HyperMeshExtensions
import Synchronization

/// Callers that call one extension in a tight loop, each on its own thread (as a host's request
/// threads would, preempted by the kernel, not by Swift's cooperative pool), timing every call
/// with ``MonotonicNanoseconds``, so that a benchmark can ask for the longest single call latency
/// any of them saw during a window (``longestCall(during:)``).
///
/// A caller calls through the `ExtensionHandle` it holds. When a reload has closed that handle
/// (the call throws `notActive` and the handle no longer accepts), it takes the new handle from
/// `await registry.handle(for:)` and calls again, as `ExtensionRegistry.call` does; that refresh
/// (a task on the cooperative pool, waited for with a semaphore) is inside the timed call. Calls
/// that still fail are counted (``failures``); their latency counts too.
///
/// Why threads: package-benchmark blocks one thread of the cooperative pool while it runs an async
/// benchmark, so on 2 vCPUs a caller task looping on the pool would take the only other thread and
/// the reload it is meant to observe would wait for it (or never run).
public final class CallerLoop: Sendable {
    /// One caller's record: the longest call completed since the last reset, and the start time
    /// of its latest completed call.
    private final class Slot: Sendable {
        let longest = Atomic<UInt64>(0)
        let latestStart = Atomic<UInt64>(0)
        let calls = Atomic<UInt64>(0)

        func record(start: UInt64, end: UInt64) {
            let latency = end &- start
            var current = longest.load(ordering: .relaxed)
            while latency > current {
                let (exchanged, original) = longest.compareExchange(expected: current, desired: latency, ordering: .relaxed)
                if exchanged { break }
                current = original
            }
            latestStart.store(start, ordering: .releasing)
            calls.add(1, ordering: .relaxed)
        }
    }

    /// What the threads share with the benchmark besides their slots.
    private final class Flags: Sendable {
        let stopping = Atomic<Bool>(false)
        let failed = Atomic<Int>(0)
        let running = Atomic<Int>(0)
    }

    private let slots: [Slot]
    private let flags = Flags()

    /// Starts `callers` threads calling `method` with `input` on `id`.
    public init(registry: ExtensionRegistry, id: String, method: String, input: [UInt8], callers: Int) {
        slots = (0..<callers).map { _ in Slot() }
        for slot in slots {
            flags.running.add(1, ordering: .relaxed)
            let thread = Thread { [flags] in
                defer { flags.running.subtract(1, ordering: .releasing) }
                var handle = Self.currentHandle(registry, id)
                while !flags.stopping.load(ordering: .relaxed) {
                    let start = MonotonicNanoseconds.now()
                    do throws(ExtensionError) {
                        guard let current = handle else { throw ExtensionError(.notActive, extensionID: id, "no handle") }
                        do throws(ExtensionError) {
                            _ = try current.call(method: method, input: input)
                        } catch where error.code == .notActive && !current.isAccepting {
                            handle = Self.currentHandle(registry, id)
                            _ = try handle?.call(method: method, input: input)
                        }
                    } catch {
                        flags.failed.add(1, ordering: .relaxed)
                        handle = Self.currentHandle(registry, id)
                    }
                    slot.record(start: start, end: MonotonicNanoseconds.now())
                }
            }
            thread.start()
        }
    }

    /// `await registry.handle(for:)` from a thread outside the cooperative pool.
    private static func currentHandle(_ registry: ExtensionRegistry, _ id: String) -> ExtensionHandle? {
        let answer = Mutex<ExtensionHandle?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let handle = try? await registry.handle(for: id)
            answer.withLock { $0 = handle }
            done.signal()
        }
        done.wait()
        return answer.withLock { $0 }
    }

    /// Calls that threw since the loops started.
    public var failures: Int { flags.failed.load(ordering: .relaxed) }

    /// Calls completed since the loops started, all callers together.
    public var calls: UInt64 { slots.reduce(0) { $0 + $1.calls.load(ordering: .relaxed) } }

    /// Runs `window`, then waits until every caller has completed a call that started after the
    /// window ended (so a call held up by the window's end is counted), and returns the longest
    /// latency, in nanoseconds, of the calls completed from the window's start to then.
    public func longestCall<Failure: Error>(during window: () async throws(Failure) -> Void) async throws(Failure) -> UInt64 {
        for slot in slots { slot.longest.store(0, ordering: .relaxed) }
        try await window()
        let end = MonotonicNanoseconds.now()
        while slots.contains(where: { $0.latestStart.load(ordering: .acquiring) <= end }) {
            try? await Task.sleep(for: .microseconds(50))
        }
        return slots.reduce(0) { max($0, $1.longest.load(ordering: .relaxed)) }
    }

    /// Stops the threads and waits for them to end.
    public func stop() async {
        flags.stopping.store(true, ordering: .relaxed)
        while flags.running.load(ordering: .acquiring) > 0 {
            try? await Task.sleep(for: .milliseconds(1))
        }
    }
}
