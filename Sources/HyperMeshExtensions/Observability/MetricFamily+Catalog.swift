extension MetricFamily {
    // Per extension, reported by the runtime through swift-metrics. A series appears when the
    // extension is registered (calls, latency), loaded (host calls, denials, CPU share) or at its
    // first event (errors, violations, suspensions, fuel), and is removed when the extension is
    // unregistered.

    public static let extensionCalls = MetricFamily(
        "hypermesh_extension_calls_total", .counter, unit: "calls", labels: ["extension"],
        help: "Calls into the extension (registry.call), failed ones included.")
    public static let extensionErrors = MetricFamily(
        "hypermesh_extension_errors_total", .counter, unit: "errors", labels: ["extension", "code"],
        help: "Calls into the extension that failed, by the stable error code of the failure (docs/errors.md).")
    public static let extensionCallDuration = MetricFamily(
        "hypermesh_extension_call_duration_seconds", .histogram, unit: "seconds", labels: ["extension"],
        help: "Wall-clock duration of calls into the extension, admission to return.")
    public static let hostCalls = MetricFamily(
        "hypermesh_host_calls_total", .counter, unit: "calls", labels: ["extension"],
        help: "Host API functions the extension called.")
    public static let hostDenials = MetricFamily(
        "hypermesh_host_denials_total", .counter, unit: "denials", labels: ["extension"],
        help: "Host API calls of the extension refused: capability not granted, rate or quota passed, suspended.")
    public static let violations = MetricFamily(
        "hypermesh_violations_total", .counter, unit: "violations", labels: ["extension", "kind"],
        help: "Security violations of the extension, by kind (docs/security.md).")
    public static let suspensions = MetricFamily(
        "hypermesh_suspensions_total", .counter, unit: "suspensions", labels: ["extension"],
        help: "Times the security layer suspended the extension.")
    public static let cpuShareThrottled = MetricFamily(
        "hypermesh_cpu_share_throttled_total", .counter, unit: "calls", labels: ["extension"],
        help: "Calls that waited because the extension had used its CPU share (cpuPercent).")
    public static let workerFailures = MetricFamily(
        "hypermesh_worker_failures_total", .counter, unit: "failures", labels: ["extension"],
        help: "Isolated workers of the extension that ended while serving (crash, kill, deadline); restarted, or suspended after a crash loop.")
    public static let networkSentBytes = MetricFamily(
        "hypermesh_extension_network_sent_bytes_total", .counter, unit: "bytes", labels: ["extension"],
        help: "Bytes the extension sent through http_request (request heads estimated), counted as they flow.")
    public static let networkReceivedBytes = MetricFamily(
        "hypermesh_extension_network_received_bytes_total", .counter, unit: "bytes", labels: ["extension"],
        help: "Bytes the extension received through http_request (response heads estimated), counted as they flow.")
    public static let wasmFuel = MetricFamily(
        "hypermesh_wasm_fuel_total", .counter, unit: "fuel", labels: ["extension"],
        help: "Fuel (WasmKit instruction budget units) burnt by a WebAssembly extension's calls.")

    // Read by the node at each scrape.

    public static let wasmMemory = MetricFamily(
        "hypermesh_wasm_memory_bytes", .gauge, unit: "bytes", labels: ["extension"],
        help: "Linear memory of a loaded WebAssembly extension; no series for native extensions or once unloaded.")
    public static let extensionsRegistered = MetricFamily(
        "hypermesh_extensions_registered", .gauge, unit: "extensions", labels: [],
        help: "Extensions found, verified and registered.")
    public static let extensionsLoaded = MetricFamily(
        "hypermesh_extensions_loaded", .gauge, unit: "extensions", labels: [],
        help: "Extensions with an instance (loaded, active or inactive).")
    public static let extensionsActive = MetricFamily(
        "hypermesh_extensions_active", .gauge, unit: "extensions", labels: [],
        help: "Extensions in state active.")
    public static let auditBacklog = MetricFamily(
        "hypermesh_audit_backlog_records", .gauge, unit: "records", labels: [],
        help: "Audit records queued and not yet committed to the audit log.")

    /// Every family the host and the node export.
    public static let all: [MetricFamily] = [
        extensionCalls, extensionErrors, extensionCallDuration, hostCalls, hostDenials, violations, suspensions,
        cpuShareThrottled, workerFailures, networkSentBytes, networkReceivedBytes, wasmFuel, wasmMemory, extensionsRegistered, extensionsLoaded, extensionsActive, auditBacklog,
    ]
}
