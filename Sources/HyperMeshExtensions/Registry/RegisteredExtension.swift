import HyperMeshManifest
import Metrics

/// The registry's record of one extension: its package, where it is in its lifecycle, and the
/// live objects it holds while loaded.
struct RegisteredExtension {
    let package: DiscoveredPackage
    var lifecycle: ExtensionLifecycle
    var image: NativeImage?
    var instance: ExtensionInstance?
    var handle: ExtensionHandle?
    let metrics: ExtensionMetrics

    var manifest: Manifest { package.manifest }
    /// What the extension may use: its declared capabilities (operator policy will narrow this).
    var grantedCapabilities: Set<Capability> { Set(package.manifest.capabilities) }
    var id: String { package.manifest.id }

    init(package: DiscoveredPackage, metricsFactory: any MetricsFactory) {
        self.package = package
        self.lifecycle = ExtensionLifecycle(extensionID: package.manifest.id)
        self.metrics = ExtensionMetrics(extensionID: package.manifest.id, factory: metricsFactory)
    }
}
