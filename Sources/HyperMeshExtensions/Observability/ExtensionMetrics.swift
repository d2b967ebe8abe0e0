import Metrics
import Synchronization

/// Per-extension call metrics: exported through swift-metrics (`hypermesh_extension_calls_total`,
/// `hypermesh_extension_call_duration_seconds`, dimension `extension`;
/// `hypermesh_extension_errors_total`, dimensions `extension` and `code`) to whatever backend the
/// host bootstrapped (none by default: then only the local counters below are kept), and kept
/// locally for `ext inspect` and health. Each metric object is built once: the calls counter and
/// the timer here, an errors counter at the first failure with each code.
public final class ExtensionMetrics: Sendable {
    private let extensionID: String
    private let factory: any MetricsFactory
    private let calls: Counter
    private let errors = Mutex<[String: Counter]>([:])
    private let latency: Timer
    /// `hypermesh_worker_failures_total{extension}`, built at the first failure (isolated extensions only).
    private let workerFailures = Mutex<Counter?>(nil)
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
        self.extensionID = extensionID
        self.factory = factory
        let dimensions = [("extension", extensionID)]
        calls = Counter(label: MetricFamily.extensionCalls.name, dimensions: dimensions, factory: factory)
        latency = Timer(label: MetricFamily.extensionCallDuration.name, dimensions: dimensions, factory: factory)
    }

    /// Records one call; `failure` is the stable code of the error it failed with (nil: it succeeded).
    func record(nanoseconds: UInt64, failure: String?) {
        calls.increment()
        if let failure { errorCounter(code: failure).increment() }
        latency.recordNanoseconds(Int64(clamping: nanoseconds))
        localCalls.wrappingAdd(1, ordering: .relaxed)
        if failure != nil { localErrors.wrappingAdd(1, ordering: .relaxed) }
        localTotalNanoseconds.wrappingAdd(nanoseconds, ordering: .relaxed)
        var maximum = localMaximumNanoseconds.load(ordering: .relaxed)
        while nanoseconds > maximum {
            let (exchanged, current) = localMaximumNanoseconds.compareExchange(
                expected: maximum, desired: nanoseconds, ordering: .relaxed)
            if exchanged { break }
            maximum = current
        }
    }

    /// Counts one end of the serving worker of an isolated extension.
    func recordWorkerFailure() {
        workerFailures.withLock { counter in
            if counter == nil {
                counter = Counter(label: MetricFamily.workerFailures.name, dimensions: [("extension", extensionID)], factory: factory)
            }
            return counter
        }?.increment()
    }

    /// The errors counter of `code`, built at its first use.
    private func errorCounter(code: String) -> Counter {
        errors.withLock { counters in
            if let counter = counters[code] { return counter }
            let counter = Counter(label: MetricFamily.extensionErrors.name, dimensions: [("extension", extensionID), ("code", code)],
                                  factory: factory)
            counters[code] = counter
            return counter
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
