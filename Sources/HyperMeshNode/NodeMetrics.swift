import CoreMetrics
import HyperMeshExtensions
import Prometheus

/// The node's Prometheus metrics: everything the runtime reports through swift-metrics (per
/// extension calls, errors, a latency histogram, host calls and denials, violations, suspensions,
/// wasm fuel), plus host-wide gauges read at each scrape: extensions registered, loaded and
/// active, and the audit log's backlog.
final class NodeMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        // Calls take microseconds to seconds: buckets from 10 µs to 10 s.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(10), .microseconds(50), .microseconds(100), .microseconds(500),
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(50),
            .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(10),
        ]
        self.factory = factory
    }

    /// The text exposition (format 0.0.4), with the host-wide gauges updated first.
    func exposition(_ node: NodeRuntime) async -> String {
        let list = await node.registry.list()
        let loaded = list.filter { [.loaded, .active, .inactive].contains($0.state) }.count
        registry.makeGauge(name: "hypermesh_extensions_registered").set(Double(list.count))
        registry.makeGauge(name: "hypermesh_extensions_loaded").set(Double(loaded))
        registry.makeGauge(name: "hypermesh_extensions_active").set(Double(list.filter { $0.state == .active }.count))
        registry.makeGauge(name: "hypermesh_audit_backlog").set(Double(node.registry.audit.log?.backlog ?? 0))
        // Memory is known for wasm extensions only (native ones share the host's address space).
        for info in list {
            if let bytes = info.wasm?.memoryBytesInUse {
                registry.makeGauge(name: "hypermesh_wasm_memory_bytes", labels: [("extension", info.id)]).set(Double(bytes))
            }
        }
        return registry.emitToString()
    }
}
