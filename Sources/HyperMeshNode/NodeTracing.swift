package import Foundation
import OTel
import ServiceLifecycle
import Tracing

/// The node's span export: swift-otel's OTLP/HTTP exporter, bootstrapped as the process's tracer
/// when the operator asks for it (`--otlp-endpoint`, or the standard `OTEL_EXPORTER_OTLP_ENDPOINT`
/// / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` variables; the other `OTEL_*` variables apply as
/// swift-otel reads them). Spans only: the node's metrics stay on `/metrics`, its logs on stderr.
enum NodeTracing {
    /// The environment variables that turn export on without the option.
    static let endpointVariables = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]

    /// Bootstraps the tracer and returns the exporter's service (to run in the node's group), or
    /// nil when export is not asked for. Can be called once per process.
    static func bootstrap(endpoint: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (any Service)? {
        guard endpoint != nil || endpointVariables.contains(where: { environment[$0] != nil }) else { return nil }
        var configuration = OTel.Configuration.default
        configuration.serviceName = "hypermesh-node"
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        configuration.traces.exporter = .otlp
        if let endpoint { configuration.traces.otlpExporter.endpoint = endpoint }
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        InstrumentationSystem.bootstrap(backend.factory)
        return backend.service
    }
}
