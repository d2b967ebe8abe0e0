import Metrics
import Synchronization

/// Counts of host API use by one extension: calls and denials, exported through swift-metrics
/// (`hypermesh_host_calls_total`, `hypermesh_host_denials_total`, dimension `extension`) and kept
/// locally for `ext inspect`.
final class HostCallCounters: Sendable {
    private let calls: Counter
    private let denials: Counter
    private let localCalls = Atomic<Int>(0)
    private let localDenials = Atomic<Int>(0)

    init(extensionID: String, factory: any MetricsFactory) {
        calls = Counter(label: "hypermesh_host_calls_total", dimensions: [("extension", extensionID)], factory: factory)
        denials = Counter(label: "hypermesh_host_denials_total", dimensions: [("extension", extensionID)], factory: factory)
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
