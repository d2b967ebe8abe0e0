import Foundation
import HyperMeshManifest
import HyperMeshSecurity
import HyperMeshState
import HyperMeshWasm
import Logging
import Metrics

/// Everything the host API needs to know about one calling extension: who it is, its
/// ``SecurityContext`` (grant, quotas, violations), and the host services it may reach. The C side
/// sees it only as the opaque `hypermesh_context*` handed to `create`; ``HostAPIBroker`` turns that
/// pointer back into this object on every host call, and every transport runs the context's
/// ``HostFunctionTable`` through ``HostFunctionCall``, which asks the security context before acting.
///
/// Lifetime: retained by the extension's ``ExtensionInstance`` from before `create` until after
/// `destroy` returns, so the pointer the extension holds stays valid for exactly the period the
/// header promises.
public final class HostContext: Sendable {
    public let extensionID: String
    public let security: SecurityContext
    let storage: ExtensionStorage
    let files: ConfinedFiles
    let events: EventBus
    let assets: AssetManager
    /// The host functions this extension may call (built-in, then the host's extra sets).
    let functions: HostFunctionTable
    let logger: Logger
    let counters: HostCallCounters
    /// Where this extension's metrics go.
    let metricsFactory: any MetricsFactory
    private let wasmFuelRateOverride: WasmFuelRate?
    /// How this extension's worker is confined, when it runs isolated.
    let workerIsolation: WorkerIsolation
    /// The client `http_request` uses (shared by the host's extensions).
    let outboundHTTP: OutboundHTTPClient
    /// The addresses `http_request` never connects to (the policy's `network` section).
    let networkSettings: NetworkSettings
    /// This extension's HTTP traffic: quota, pacing, counters.
    let traffic: ExtensionTraffic
    /// Spans for host functions (off by default).
    let tracing: CallTracing
    /// Fuel per millisecond for modules this extension runs with `vm_execute` (calibrated at first
    /// use unless the host gave one).
    var wasmFuelRate: WasmFuelRate { wasmFuelRateOverride ?? .measured }

    /// Capabilities this extension may use. Default deny: anything not here is refused.
    public var grantedCapabilities: Set<Capability> { security.grant.granted }

    init(
        security: SecurityContext, storage: ExtensionStorage, filesDirectory: URL,
        events: EventBus, assets: AssetManager, hostFunctions: HostFunctionTable = .builtIn, logger: Logger,
        metricsFactory: any MetricsFactory = MetricsSystem.factory, wasmFuelRate: WasmFuelRate? = nil,
        workerIsolation: WorkerIsolation = WorkerIsolation(), outboundHTTP: OutboundHTTPClient = .systemRootsOnly,
        networkSettings: NetworkSettings = NetworkSettings(), tracing: CallTracing = .off
    ) {
        self.tracing = tracing
        self.outboundHTTP = outboundHTTP
        self.networkSettings = networkSettings
        self.traffic = ExtensionTraffic(security: security, metricsFactory: metricsFactory)
        self.wasmFuelRateOverride = wasmFuelRate
        self.workerIsolation = workerIsolation
        self.extensionID = security.extensionID
        self.security = security
        self.storage = storage
        self.files = ConfinedFiles(root: filesDirectory)
        self.events = events
        self.assets = assets
        self.functions = hostFunctions
        var logger = logger
        logger[metadataKey: "extension"] = "\(security.extensionID)"
        self.logger = logger
        self.counters = HostCallCounters(extensionID: security.extensionID, factory: metricsFactory)
        self.metricsFactory = metricsFactory
    }
}
