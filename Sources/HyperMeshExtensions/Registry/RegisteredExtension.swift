import HyperMeshManifest
import HyperMeshSecurity
import Metrics

/// The registry's record of one extension: its package, where it is in its lifecycle, and the
/// live objects it holds while loaded.
struct RegisteredExtension {
    var package: DiscoveredPackage
    var lifecycle: ExtensionLifecycle
    var image: LoadedImage?
    /// For a wasm extension, the engine its last load chose and why (nil before its first load).
    var wasmEngine: WasmEngineChoice?
    var instance: ExtensionInstance?
    var handle: ExtensionHandle?
    let metrics: ExtensionMetrics
    /// The factory of every metric series of this extension (its contexts and instances use it
    /// too); its series are destroyed when the extension is unregistered.
    let series: ExtensionSeriesFactory
    /// Worker failures and restarts of an isolated extension (see ``SupervisionPolicy``).
    var supervision: WorkerSupervision

    var manifest: Manifest { package.manifest }
    var id: String { package.manifest.id }
    /// SHA-256 fingerprint of the signer's certificate (nil when unsigned): the key of the
    /// policy's `signers` rules.
    var signer: String? { package.verification.signer?.fingerprint }

    /// What `policy` lets this extension use.
    func grant(under policy: SecurityPolicy) -> CapabilityGrant {
        policy.grant(for: manifest, signer: signer)
    }

    init(package: DiscoveredPackage, metricsFactory: any MetricsFactory) {
        self.package = package
        self.lifecycle = ExtensionLifecycle(extensionID: package.manifest.id)
        self.series = ExtensionSeriesFactory(metricsFactory)
        self.metrics = ExtensionMetrics(extensionID: package.manifest.id, factory: series)
        self.supervision = WorkerSupervision()
    }
}
