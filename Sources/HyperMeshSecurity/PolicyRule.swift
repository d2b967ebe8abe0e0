import HyperMeshManifest

/// One rule of the operator's policy: for every extension (`defaults`), for the extensions of one
/// signer, or for one extension id. Every field is optional; an empty rule changes nothing.
public struct PolicyRule: Sendable, Hashable {
    /// Capabilities the operator grants, if the extension declares them.
    public var allow: Set<Capability>
    /// Capabilities the operator refuses. A deny at any level wins over an allow at any level.
    public var deny: Set<Capability>
    /// Quota overrides: a non-nil field replaces the manifest's value (lower or higher: the
    /// operator decides).
    public var quotas: Quotas
    public var anomaly: AnomalySettings?
    public var violations: ViolationSettings?
    /// `process` forces native extensions under this rule into a worker process, whatever their
    /// manifests say; `in-process` (or nil) leaves the manifest's choice.
    public var isolation: Isolation?
    /// How wasm extensions under this rule run, whatever their manifests ask (nil: the manifest's
    /// choice, else ``WasmEngine/interpreted``). The most specific rule that sets it wins.
    public var engine: WasmEngine?
    /// Confinement layers an isolated extension under this rule must have engaged (added to the
    /// `isolatedWorkers` section's; see ``WorkerIsolationSettings``).
    public var requiredIsolationLayers: Set<String>

    public init(allow: Set<Capability> = [], deny: Set<Capability> = [], quotas: Quotas = Quotas(),
                anomaly: AnomalySettings? = nil, violations: ViolationSettings? = nil, isolation: Isolation? = nil,
                requiredIsolationLayers: Set<String> = [], engine: WasmEngine? = nil) {
        self.engine = engine
        self.requiredIsolationLayers = requiredIsolationLayers
        self.allow = allow
        self.deny = deny
        self.quotas = quotas
        self.anomaly = anomaly
        self.violations = violations
        self.isolation = isolation
    }
}

extension Quotas {
    /// These quotas with every non-nil field of `overrides` put in place.
    public func overridden(by overrides: Quotas) -> Quotas {
        Quotas(
            cpuMillisecondsPerCall: overrides.cpuMillisecondsPerCall ?? cpuMillisecondsPerCall,
            memoryBytes: overrides.memoryBytes ?? memoryBytes,
            storageBytes: overrides.storageBytes ?? storageBytes,
            networkBytes: overrides.networkBytes ?? networkBytes,
            fileDescriptors: overrides.fileDescriptors ?? fileDescriptors,
            operationsPerSecond: overrides.operationsPerSecond ?? operationsPerSecond,
            concurrency: overrides.concurrency ?? concurrency,
            cpuMillisecondsTotal: overrides.cpuMillisecondsTotal ?? cpuMillisecondsTotal,
            cpuPercent: overrides.cpuPercent ?? cpuPercent,
            networkBytesPerSecond: overrides.networkBytesPerSecond ?? networkBytesPerSecond)
    }
}
