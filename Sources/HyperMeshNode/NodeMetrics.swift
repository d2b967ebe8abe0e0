import CoreMetrics
import HyperMeshExtensions
import Prometheus
import Synchronization

/// The node's Prometheus metrics: everything the runtime reports through swift-metrics (per
/// extension calls, errors by code, a latency histogram, host calls and denials, violations,
/// suspensions, wasm fuel), plus host-wide gauges read at each scrape: extensions registered,
/// loaded and active, the audit log's backlog, and each loaded wasm extension's memory. Every
/// family carries the help text of ``MetricFamily`` (docs/metrics.md).
final class NodeMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let factory: DocumentedPrometheusFactory
    private let registered: Prometheus.Gauge
    private let loaded: Prometheus.Gauge
    private let active: Prometheus.Gauge
    private let auditBacklog: Prometheus.Gauge
    /// `hypermesh_wasm_memory_bytes{extension}` of the wasm extensions loaded at the last scrape.
    private let wasmMemory = Mutex<[String: Prometheus.Gauge]>([:])

    /// Calls take microseconds to seconds: buckets from 10 µs to 10 s.
    static let durationBuckets: [Duration] = [
        .microseconds(10), .microseconds(50), .microseconds(100), .microseconds(500),
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(50),
        .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(10),
    ]

    init() {
        factory = DocumentedPrometheusFactory(registry: registry, durationBuckets: Self.durationBuckets)
        registered = Self.gauge(.extensionsRegistered, in: registry)
        loaded = Self.gauge(.extensionsLoaded, in: registry)
        active = Self.gauge(.extensionsActive, in: registry)
        auditBacklog = Self.gauge(.auditBacklog, in: registry)
    }

    private static func gauge(_ family: MetricFamily, labels: [(String, String)] = [], in registry: PrometheusCollectorRegistry) -> Prometheus.Gauge {
        registry.makeGauge(descriptor: MetricNameDescriptor(metricName: family.name, unitName: "", helpText: family.help), labels: labels)
    }

    /// The text exposition (format 0.0.4), with the host-wide gauges updated first. The memory
    /// series of a wasm extension that is no longer loaded is removed.
    func exposition(_ node: NodeRuntime) async -> String {
        let list = await node.registry.list()
        registered.set(Double(list.count))
        loaded.set(Double(list.filter { [.loaded, .active, .inactive].contains($0.state) }.count))
        active.set(Double(list.filter { $0.state == .active }.count))
        auditBacklog.set(Double(node.registry.audit.log?.backlog ?? 0))
        // Memory is known for wasm extensions only (native ones share the host's address space).
        var memory: [String: Int] = [:]
        for info in list {
            if let bytes = info.wasm?.memoryBytesInUse { memory[info.id] = bytes }
        }
        updateWasmMemory(memory)
        return registry.emitToString()
    }

    /// Sets `hypermesh_wasm_memory_bytes` of each extension in `bytes` and removes the series of
    /// every other one.
    func updateWasmMemory(_ bytes: [String: Int]) {
        wasmMemory.withLock { gauges in
            for (id, gauge) in gauges where bytes[id] == nil {
                registry.unregisterGauge(gauge)
                gauges[id] = nil
            }
            for (id, value) in bytes {
                let gauge = gauges[id] ?? Self.gauge(.wasmMemory, labels: [("extension", id)], in: registry)
                gauges[id] = gauge
                gauge.set(Double(value))
            }
        }
    }
}
