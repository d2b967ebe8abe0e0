import CoreMetrics
import HyperMeshExtensions
import Prometheus

/// A swift-metrics factory over a Prometheus registry that gives every family the `# HELP` text
/// of ``MetricFamily`` (swift-prometheus's own factory passes no help through swift-metrics). A label the catalog does not know is exported without help text.
///
/// Timers become duration histograms with ``durationBuckets``; aggregating recorders value
/// histograms with swift-prometheus's default buckets; meters and plain recorders gauges.
/// Destroying a handler unregisters its series.
struct DocumentedPrometheusFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry
    let durationBuckets: [Duration]
    /// What destroys handlers (swift-prometheus's factory over the same registry).
    private let destroyer: PrometheusMetricsFactory

    init(registry: PrometheusCollectorRegistry, durationBuckets: [Duration]) {
        self.registry = registry
        self.durationBuckets = durationBuckets
        destroyer = PrometheusMetricsFactory(registry: registry)
    }

    /// The name `label` and, when the catalog knows it, its help text.
    private static func descriptor(_ label: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: label, unitName: "", helpText: MetricFamily.named(label)?.help ?? "")
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: Self.descriptor(label), labels: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(descriptor: Self.descriptor(label), labels: dimensions)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: Self.descriptor(label), labels: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else { return registry.makeGauge(descriptor: Self.descriptor(label), labels: dimensions) }
        return registry.makeValueHistogram(descriptor: Self.descriptor(label), labels: dimensions,
                                           buckets: destroyer.defaultValueHistogramBuckets)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        registry.makeDurationHistogram(descriptor: Self.descriptor(label), labels: dimensions, buckets: durationBuckets)
    }

    func destroyCounter(_ handler: any CounterHandler) { destroyer.destroyCounter(handler) }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { destroyer.destroyFloatingPointCounter(handler) }
    func destroyMeter(_ handler: any MeterHandler) { destroyer.destroyMeter(handler) }
    func destroyRecorder(_ handler: any RecorderHandler) { destroyer.destroyRecorder(handler) }
    func destroyTimer(_ handler: any TimerHandler) { destroyer.destroyTimer(handler) }
}
