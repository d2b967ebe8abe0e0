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
    private let local = Mutex(Snapshot())

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
        local.withLock { snapshot in
            snapshot.calls += 1
            if failed { snapshot.errors += 1 }
            snapshot.totalNanoseconds &+= nanoseconds
            snapshot.maximumNanoseconds = max(snapshot.maximumNanoseconds, nanoseconds)
        }
    }

    public var snapshot: Snapshot { local.withLock { $0 } }
}
