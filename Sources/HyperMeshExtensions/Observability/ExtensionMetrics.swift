import Metrics
import Synchronization

/// Per-extension call metrics: exported through swift-metrics (`hypermesh_extension_calls_total`,
/// `hypermesh_extension_errors_total`, `hypermesh_extension_call_duration_seconds`, dimension
/// `extension`) to whatever backend the host bootstrapped (none by default: then only the local
/// counters below are kept), and kept locally for `ext inspect` and health.
public final class ExtensionMetrics: Sendable {
    private let calls: Counter
    private let errors: Counter
    private let latency: Timer
    private let localCalls = Atomic<Int>(0)
    private let localErrors = Atomic<Int>(0)
    private let localTotalNanoseconds = Atomic<UInt64>(0)
    private let localMaximumNanoseconds = Atomic<UInt64>(0)

    /// Totals since the instance was created.
    public struct Snapshot: Sendable, Hashable, Codable {
        public var calls = 0
        public var errors = 0
        public var totalNanoseconds: UInt64 = 0
        public var maximumNanoseconds: UInt64 = 0

        public init() {}

        /// Mean latency per call in nanoseconds, 0 before the first call.
        public var meanNanoseconds: UInt64 { calls == 0 ? 0 : totalNanoseconds / UInt64(calls) }
        /// Errors per call, 0 before the first call.
        public var errorRate: Double { calls == 0 ? 0 : Double(errors) / Double(calls) }
    }

    /// `factory` defaults to the process-wide `MetricsSystem.factory` (a no-op until the host
    /// bootstraps a backend).
    public init(extensionID: String, factory: any MetricsFactory = MetricsSystem.factory) {
        let dimensions = [("extension", extensionID)]
        calls = Counter(label: "hypermesh_extension_calls_total", dimensions: dimensions, factory: factory)
        errors = Counter(label: "hypermesh_extension_errors_total", dimensions: dimensions, factory: factory)
        latency = Timer(label: "hypermesh_extension_call_duration_seconds", dimensions: dimensions, factory: factory)
    }

    func record(nanoseconds: UInt64, failed: Bool) {
        calls.increment()
        if failed { errors.increment() }
        latency.recordNanoseconds(Int64(clamping: nanoseconds))
        localCalls.wrappingAdd(1, ordering: .relaxed)
        if failed { localErrors.wrappingAdd(1, ordering: .relaxed) }
        localTotalNanoseconds.wrappingAdd(nanoseconds, ordering: .relaxed)
        var maximum = localMaximumNanoseconds.load(ordering: .relaxed)
        while nanoseconds > maximum {
            let (exchanged, current) = localMaximumNanoseconds.compareExchange(
                expected: maximum, desired: nanoseconds, ordering: .relaxed)
            if exchanged { break }
            maximum = current
        }
    }

    /// The totals. Each field is read atomically; the set is not one atomic snapshot (a call that
    /// ends while it is read may be counted in `calls` but not yet in `totalNanoseconds`).
    public var snapshot: Snapshot {
        var snapshot = Snapshot()
        snapshot.calls = localCalls.load(ordering: .relaxed)
        snapshot.errors = localErrors.load(ordering: .relaxed)
        snapshot.totalNanoseconds = localTotalNanoseconds.load(ordering: .relaxed)
        snapshot.maximumNanoseconds = localMaximumNanoseconds.load(ordering: .relaxed)
        return snapshot
    }
}
