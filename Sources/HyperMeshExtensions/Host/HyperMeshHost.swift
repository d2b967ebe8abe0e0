import Foundation
import HyperMeshAudit
import HyperMeshSecurity
import HyperMeshState
import HyperMeshTrust
import Logging
import ServiceLifecycle

/// A host for third-party extensions, for a Swift app to embed:
///
/// ```swift
/// let host = try await HyperMeshHost(configuration: .init(stateDirectory: stateFolder, trust: .allowUnsigned()))
/// try await host.activate("org.example.hello")
/// let reply = try await host.call("org.example.hello", method: "greet", input: Array(#"{"name":"Ada"}"#.utf8))
/// ```
///
/// `init` opens the state directory (creating it), the audit log, the policy and the trust store,
/// finds the packages on the search paths and verifies each one (digests, signature, chain,
/// revocation), and registers the usable ones; nothing is loaded until ``activate(_:)``. A
/// package that cannot be used does not stop the others: see ``problems``.
///
/// Threads: calls run on the host's own threads (``CallExecutor``, `callThreads` of them), the
/// registry's lifecycle work on one more; neither holds a thread of Swift's cooperative pool.
///
/// As a `Service` (ServiceLifecycle), ``run()`` waits for the group's graceful shutdown, then
/// deactivates every extension (dependents first) and flushes the audit log.
///
/// Not guaranteed: protection from an in-process extension that crashes the process or never
/// returns (run such extensions isolated: the policy's `isolation: "process"`).
public final class HyperMeshHost: Service, Sendable {
    /// The configuration the host was made with.
    public let configuration: Configuration
    /// The registry underneath (lifecycle, supervision, calls).
    package let registry: ExtensionRegistry
    /// Packages found at the start that could not be used (unreadable, unverified, duplicates),
    /// with their typed error.
    public let problems: [DiscoveryProblem]
    /// The search paths looked at, in order.
    public let searchedPaths: [URL]
    private let auditLog: AuditLog?
    /// The host's audit log (nil when the configuration turned it off), for records the embedder
    /// writes about the host (a fleet agent's, for example) into the same hash chain.
    public var audit: AuditLog? { auditLog }
    private let verifier: PackageVerifier

    /// Opens the host: state directory, audit log, policy, trust store; then discovers, verifies
    /// and registers the packages on the search paths.
    ///
    /// Throws the leaf error that stopped it (a state directory that cannot be created, an audit
    /// log or policy file that cannot be read, an unreadable trust store, a CA bundle for outbound HTTPS
    /// that cannot be read).
    public init(configuration: Configuration) async throws {
        self.configuration = configuration
        let logger = configuration.logger
        var outboundSettings = configuration.outboundHTTP
        if outboundSettings.tracer == nil { outboundSettings.tracer = configuration.tracer }
        let outboundHTTP = try OutboundHTTPClient(settings: outboundSettings)
        try FileManager.default.createDirectory(at: configuration.stateDirectory, withIntermediateDirectories: true)
        let stateStore = try StateStore(directory: configuration.stateDirectory)
        let auditLog = configuration.auditLog
            ? try AuditLog(file: configuration.stateDirectory.appendingPathComponent(Configuration.auditFileName)) : nil
        let policy: SecurityPolicy
        switch configuration.policy {
        case .value(let value): policy = value
        case .stateDirectory, .file: policy = try PolicyFile.load(from: configuration.policyFile!)
        }
        let trustStore = try TrustStore.load(from: configuration.trustStoreDirectory)
        if configuration.allowsUnsigned {
            logger.warning("unsigned packages will be loaded (development only)")
        }
        let verifier = PackageVerifier(trustStore: trustStore, allowUnsigned: configuration.allowsUnsigned)
        let calls = CallExecutor(threadCount: configuration.callThreads)
        let registry = ExtensionRegistry(
            stateStore: stateStore, policy: policy, audit: SecurityAudit(log: auditLog, logger: logger),
            hostFunctions: configuration.hostFunctions, logger: logger, metricsFactory: configuration.metricsFactory,
            supervision: configuration.supervision, callExecutor: calls,
            outboundHTTP: outboundHTTP, tracer: configuration.tracer, onWasmFuelCalibration: configuration.onWasmFuelCalibration)
        // Discovery reads and hashes every package: on the host's threads, not the cooperative pool.
        let discovery = await calls.run { await ExtensionDiscovery.discover(in: configuration.searchPaths, verifier: verifier) }
        self.problems = await registry.registerAll(discovery)
        self.searchedPaths = discovery.searchedPaths
        self.registry = registry
        self.auditLog = auditLog
        self.verifier = verifier
    }

    // MARK: Calls

    /// Calls `method` of the active extension `id` with `input`; returns its output bytes.
    ///
    /// The call runs on the host's call threads (no thread hop for a caller already there: see
    /// ``CallExecutor/run(_:)``) and never waits for lifecycle work on other extensions.
    /// Errors: `call.not_active`, `lifecycle.unknown_extension`, the extension's own error, or a
    /// security refusal (`security.*`), each naming the extension.
    public func call(_ id: String, method: String, input: [UInt8]) async throws(ExtensionError) -> [UInt8] {
        try await registry.call(id, method: method, input: input)
    }

    /// Calls the extension that handles `assetType` (see ``assetHandlers()``).
    public func callAsset(type assetType: String, method: String, input: [UInt8]) async throws(ExtensionError) -> [UInt8] {
        try await registry.callAsset(type: assetType, method: method, input: input)
    }

    /// The threads calls run on; run a batch of calls inside ``CallExecutor/run(_:)`` to make them without a thread hop.
    public var callExecutor: CallExecutor { registry.callExecutor }

    // MARK: Lifecycle

    /// Activates `id` and what it depends on (dependencies first, all or nothing). Returns the
    /// ids this call activated, in order.
    @discardableResult
    public func activate(_ id: String) async throws(ExtensionError) -> [String] {
        try await registry.activate(id)
    }

    /// Deactivates `id` (its dependents first when `cascade`), after its calls in flight return.
    @discardableResult
    public func deactivate(_ id: String, cascade: Bool = false) async throws(ExtensionError) -> [String] {
        try await registry.deactivate(id, cascade: cascade)
    }

    /// Hot-reloads `id` from its package folder as it is now (verified again): the new version
    /// starts beside the old one, passes its canary, takes over the state, then serves; no call
    /// fails. An inactive extension is simply replaced.
    @discardableResult
    public func reload(_ id: String) async throws(ExtensionError) -> ReloadReport {
        let directory = URL(fileURLWithPath: try await registry.info(id).directory)
        switch await ExtensionDiscovery.inspect(directory, verifier: verifier) {
        case .success(let package):
            guard package.manifest.id == id else {
                throw ExtensionError(.invalidPackage, extensionID: id,
                                     "the package at \(directory.path) now declares the id \(package.manifest.id); nothing was reloaded")
            }
            return try await registry.reload(to: package)
        case .failure(let problem):
            throw problem.error
        }
    }

    /// Hot-reloads to `package`, a package the caller discovered (see ``reload(_:)``).
    @discardableResult
    public func reload(to package: DiscoveredPackage) async throws(ExtensionError) -> ReloadReport {
        try await registry.reload(to: package)
    }

    /// Registers a package found after the start (e.g. by a folder watcher).
    public func register(_ package: DiscoveredPackage) async throws(ExtensionError) {
        try await registry.register(package)
    }

    /// Unloads `id` and forgets it (dependents first when `cascade`).
    @discardableResult
    public func unregister(_ id: String, cascade: Bool = false) async throws(ExtensionError) -> [String] {
        try await registry.unregister(id, cascade: cascade)
    }

    /// Suspends `id`: no calls until ``resume(_:)``; persisted across restarts of the host.
    public func suspend(_ id: String, reason: String) async throws(ExtensionError) {
        try await registry.suspend(id, reason: reason)
    }

    /// Lifts a suspension; the extension becomes inactive (activate it to serve again).
    public func resume(_ id: String) async throws(ExtensionError) {
        try await registry.resume(id)
    }

    /// Replaces the policy in force (grants and quotas of instances created from now on; pending
    /// grants are settled by it).
    public func setPolicy(_ policy: SecurityPolicy) async {
        await registry.setPolicy(policy)
    }

    // MARK: Inspection and events

    /// What the host knows of `id`: state, version, grant, quotas, metrics, health, isolation.
    public func inspect(_ id: String) async throws(ExtensionError) -> ExtensionInfo {
        try await registry.info(id)
    }

    /// Every registered extension, sorted by id.
    public func list() async -> [ExtensionInfo] {
        await registry.list()
    }

    /// Every lifecycle state change, for listeners.
    public var lifecycleChanges: Broadcast<LifecycleChange> { registry.lifecycleChanges }

    /// Events extensions emit (`emit_event`).
    public var events: EventBus { registry.events }

    /// Asset types and the extensions that handle them.
    public func assetHandlers() -> [(assetType: String, extensionID: String)] { registry.assets.allHandlers() }

    // MARK: Service

    /// Runs until the service group shuts down gracefully (or the task is cancelled), then calls
    /// ``shutdown()``.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Deactivates every extension (dependents first), unloads everything, and commits and closes
    /// the audit log. Errors are logged, never thrown. Idempotent.
    public func shutdown() async {
        await registry.shutdown()
        auditLog?.close()
    }
}
