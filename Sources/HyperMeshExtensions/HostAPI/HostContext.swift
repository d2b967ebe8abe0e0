import HyperMeshManifest
import HyperMeshState
import Logging
import Metrics

/// Everything the host API needs to know about one calling extension: who it is, what it was
/// granted, and the host services it may reach. The C side sees it only as the opaque
/// `hypermesh_context*` handed to `create`; ``HostAPIBroker`` turns that pointer back into this
/// object on every host call and checks the grant before acting.
///
/// Lifetime: retained by the extension's ``ExtensionInstance`` from before `create` until after
/// `destroy` returns, so the pointer the extension holds stays valid for exactly the period the
/// header promises.
public final class HostContext: Sendable {
    public let extensionID: String
    /// Capabilities this extension may use. Default deny: anything not here is refused.
    public let grantedCapabilities: Set<Capability>
    let storage: ExtensionStorage
    let events: EventBus
    let assets: AssetManager
    let logger: Logger
    let counters: HostCallCounters

    public init(
        extensionID: String, grantedCapabilities: Set<Capability>, storage: ExtensionStorage,
        events: EventBus, assets: AssetManager, logger: Logger,
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.extensionID = extensionID
        self.grantedCapabilities = grantedCapabilities
        self.storage = storage
        self.events = events
        self.assets = assets
        var logger = logger
        logger[metadataKey: "extension"] = "\(extensionID)"
        self.logger = logger
        self.counters = HostCallCounters(extensionID: extensionID, factory: metricsFactory)
    }
}
