import Metrics
import Synchronization

/// Counts of host API use by one extension: calls and denials, exported through swift-metrics
/// (`hypermesh_host_calls_total`, `hypermesh_host_denials_total`, dimension `extension`) and kept
/// locally for `ext inspect` and the `host_calls` audit record of each serving period.
///
/// A denial is every host call the broker refused: a capability not granted, a path escape, a
/// network host off the allowlist, a rate or quota passed, a call while suspended, and a log line
/// dropped over the rate. Failures of the operation itself (a bad argument, a missing key) are not.
final class HostCallCounters: Sendable {
    private let calls: Counter
    private let denials: Counter
    private let localCalls = Atomic<Int>(0)
    private let localDenials = Atomic<Int>(0)

    init(extensionID: String, factory: any MetricsFactory) {
        calls = Counter(label: MetricFamily.hostCalls.name, dimensions: [("extension", extensionID)], factory: factory)
        denials = Counter(label: MetricFamily.hostDenials.name, dimensions: [("extension", extensionID)], factory: factory)
    }

    func recordCall() {
        calls.increment()
        localCalls.add(1, ordering: .relaxed)
    }

    func recordDenial() {
        denials.increment()
        localDenials.add(1, ordering: .relaxed)
    }

    var callCount: Int { localCalls.load(ordering: .relaxed) }
    var denialCount: Int { localDenials.load(ordering: .relaxed) }
}
