import CHyperMeshABI
import HyperMeshManifest
import HyperMeshState
import HyperMeshSecurity
import HyperMeshWasm
import Logging
import Tracing
import Metrics

/// The host's registry of extensions: registers discovered packages, resolves their dependencies,
/// loads, activates, deactivates and unloads them, and routes calls.
///
/// Lifecycle decisions are made by the pure ``ExtensionLifecycle`` state machine; the registry
/// performs the actions it returns (map the library, create the instance, call activate…) and
/// publishes every state change on ``lifecycleChanges``. Activation runs in dependency order and
/// is all-or-nothing: if one extension in the chain fails, the ones this call activated are
/// deactivated again in reverse order.
///
/// Threads: the actor runs on its own thread (``RegistryExecutor``), so its blocking work (dlopen,
/// create, activate, a worker's start, SQLite) never holds a thread of Swift's cooperative pool.
/// Calls never wait for the actor: ``call(_:method:input:)`` finds the extension's
/// ``ExtensionHandle`` in the ``CallTable`` and runs the call on ``callExecutor``, whose threads
/// also carry the blocking host functions the extension calls. Draining an extension's calls
/// (deactivation, suspension, reload) suspends the operation until the last call returns; it
/// holds no thread.
///
/// Security: what each extension may do is its declared capabilities intersected with `policy`
/// (default deny: a host must pass a policy; ``SecurityPolicy/denyAll`` grants nothing). An
/// extension with capabilities the policy neither grants nor refuses is not activated
/// (`security.grant_pending`) until ``setPolicy(_:)`` settles them. Lifecycle changes, grants,
/// verification results, denials, violations and suspensions go to `audit`.
///
/// Metrics go to `metricsFactory` (default: the process-wide `MetricsSystem.factory`).
///
/// Supervision: an isolated extension whose worker ends is marked `failed`, restarted with backoff
/// and suspended after a crash loop, as `supervision` says (default ``SupervisionPolicy/init()``).
///
/// Not guaranteed: protection from an in-process extension that crashes or never returns.
public actor ExtensionRegistry {
    /// The host's `HYPERMESH_ABI_VERSION`.
    public nonisolated let hostABIVersion: UInt32
    /// Events extensions emit through the host API.
    public nonisolated let events: EventBus
    /// Which extension handles which asset type.
    public nonisolated let assets: AssetManager
    /// Every lifecycle state change, for listeners.
    public nonisolated let lifecycleChanges = Broadcast<LifecycleChange>()

    /// Where security records go (the audit log, when the host has one).
    public nonisolated let audit: SecurityAudit
    /// The operator's policy in force.
    public internal(set) var policy: SecurityPolicy
    let stateStore: StateStore
    let logger: Logger
    let metricsFactory: any MetricsFactory
    /// The host functions every extension's context offers: the built-in sets, then `hostFunctions`.
    let hostFunctions: HostFunctionTable
    /// The client of the `http_request` host function.
    nonisolated let outboundHTTP: OutboundHTTPClient
    /// Spans for calls and host functions (off without a tracer).
    nonisolated let tracing: CallTracing
    let wasmFuelRateOverride: WasmFuelRate?
    /// The compiled tier's tools (``WasmCompilerToolchain/detected`` unless `init` was given others).
    nonisolated let wasmCompilerToolchain: Result<WasmCompilerToolchain, WasmCompilerUnavailable>
    let onWasmFuelCalibration: (@Sendable (WasmFuelRate.CalibrationNotice) -> Void)?
    /// The host's own switches for isolated workers' layers (tests); default all on.
    let isolationSwitches: IsolationSwitches
    /// How isolated workers that end are restarted (see ``SupervisionPolicy``): the one passed to
    /// `init`, else the policy's `supervision` section, else the defaults.
    public var supervision: SupervisionPolicy { supervisionOverride ?? policy.supervision.map(SupervisionPolicy.init) ?? SupervisionPolicy() }
    let supervisionOverride: SupervisionPolicy?
    var entries: [String: RegisteredExtension] = [:]
    /// The dependency resolver over the registered manifests, built at the first resolution after
    /// the set of manifests changed (a registration, an unregistration, a reload); nil until then.
    var resolverCache: DependencyResolver?
    /// The handles calls use, kept in step with `entries` by ``install(_:)`` and ``stopServing(_:)``.
    nonisolated let callTable = CallTable()
    /// Calls waiting for a reload's state hand-over to end, by extension.
    var reloadWaiters: [String: [CheckedContinuation<Void, Never>]] = [:]
    /// Where calls run (see ``CallExecutor``).
    public nonisolated let callExecutor: CallExecutor
    /// The registry's own thread (see ``RegistryExecutor``).
    private nonisolated let executor = RegistryExecutor()
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// - Parameters:
    ///   - policy: the operator's policy; nothing is granted that it does not allow.
    ///   - audit: the audit log; default none (records go to the log only).
    ///   - hostFunctions: host function sets offered besides the built-in ones: an application's
    ///     `app` functions, a node's consensus set (without one, `consensus_submit` answers
    ///     UNAVAILABLE). A later function of the same namespace and name replaces an earlier one.
    ///     Default none.
    ///   - wasmFuelRate: fuel per millisecond for WebAssembly extensions' fuel budgets; default
    ///     ``WasmFuelRate/measured`` (calibrated on this machine at the first wasm load).
    ///   - supervision: restarts of isolated extensions whose worker ended; default: the policy's
    ///     `supervision` section, else restart with backoff (1 s doubling to 30 s) and suspend after
    ///     5 failures within 60 s.
    ///   - isolationSwitches: layers of isolated workers the host turns off (for tests that show
    ///     what still holds without them); no manifest or policy can reach these. Default all on.
    ///   - tracer: where the spans of calls and host functions go (see ``CallTracing``); default
    ///     the process's bootstrapped tracer at the time of this call, and none if nothing was
    ///     bootstrapped (then tracing costs one nil check per call).
    ///   - outboundHTTP: the client of the `http_request` host function; default one that trusts
    ///     the system's roots only.
    ///   - callExecutor: the threads calls run on; default a new ``CallExecutor`` with
    ///     ``CallExecutor/defaultThreadCount`` threads.
    ///   - wasmCompilerToolchain: the tools of the compiled tier (`"engine": "compiled"`); default
    ///     ``WasmCompilerToolchain/detected`` (found on `PATH` once per process). A failure makes
    ///     compiled-tier extensions run interpreted, with its reason in `ext inspect`.
    ///   - onWasmFuelCalibration: told before and after the fuel rate is calibrated (only when
    ///     `wasmFuelRate` is nil, and only by the load that runs the calibration); both are also
    ///     logged at `notice` level. Default nil.
    public init(
        stateStore: StateStore, policy: SecurityPolicy, audit: SecurityAudit? = nil, events: EventBus = EventBus(),
        assets: AssetManager = AssetManager(), hostFunctions: [HostFunctionSet] = [],
        logger: Logger = Logger(label: "hypermesh.extensions"), hostABIVersion: UInt32 = HYPERMESH_ABI_VERSION,
        metricsFactory: any MetricsFactory = MetricsSystem.factory, wasmFuelRate: WasmFuelRate? = nil,
        supervision: SupervisionPolicy? = nil, isolationSwitches: IsolationSwitches = IsolationSwitches(),
        callExecutor: CallExecutor? = nil, outboundHTTP: OutboundHTTPClient = .systemRootsOnly, tracer: (any Tracer)? = nil,
        wasmCompilerToolchain: Result<WasmCompilerToolchain, WasmCompilerUnavailable>? = nil,
        onWasmFuelCalibration: (@Sendable (WasmFuelRate.CalibrationNotice) -> Void)? = nil
    ) {
        self.wasmCompilerToolchain = wasmCompilerToolchain ?? WasmCompilerToolchain.detected
        self.onWasmFuelCalibration = onWasmFuelCalibration
        self.outboundHTTP = outboundHTTP
        self.tracing = CallTracing(tracer: tracer)
        self.callExecutor = callExecutor ?? CallExecutor()
        self.isolationSwitches = isolationSwitches
        self.supervisionOverride = supervision
        self.wasmFuelRateOverride = wasmFuelRate
        self.policy = policy
        self.audit = audit ?? .none(logger: logger)
        self.hostFunctions = HostFunctionTable(extra: hostFunctions)
        self.metricsFactory = metricsFactory
        self.stateStore = stateStore
        self.events = events
        self.assets = assets
        self.logger = logger
        self.hostABIVersion = hostABIVersion
    }

    /// The fuel rate WebAssembly budgets are computed with.
    nonisolated var wasmFuelRate: WasmFuelRate {
        if let wasmFuelRateOverride { return wasmFuelRateOverride }
        return WasmFuelRate.measured { [logger, onWasmFuelCalibration] notice in
            switch notice {
            case .calibrating:
                logger.notice("calibrating the WebAssembly fuel rate of this machine (once per process)")
            case .calibrated(let rate, let duration):
                logger.notice("WebAssembly fuel rate: \(rate), calibrated in \(duration)")
            }
            onWasmFuelCalibration?(notice)
        }
    }

    // MARK: Registration

    /// Registers a discovered (file-checked) package. Its state becomes `verified`.
    public func register(_ package: DiscoveredPackage) throws(ExtensionError) {
        let id = package.manifest.id
        guard entries[id] == nil else {
            throw ExtensionError(.duplicateExtension, extensionID: id,
                                 "an extension with this id is already registered (from \(entries[id]!.package.directory.path))")
        }
        if case .unsignedAllowed = package.verification.outcome {
            logger.warning("registering an UNSIGNED package: allowed for development only (--allow-unsigned)",
                           metadata: ["extension": "\(id)", "directory": "\(package.directory.path)"])
            audit.record(.verification, id, "UNSIGNED package registered, allowed by --allow-unsigned (development only)",
                         details: ["directory": package.directory.path, "package_digest": package.verification.packageDigest])
        } else {
            audit.note(.verification, id, "package verified, signed by '\(package.verification.signer?.subject ?? "?")'",
                       details: ["directory": package.directory.path, "package_digest": package.verification.packageDigest,
                                 "signer": package.verification.signer?.fingerprint ?? ""])
        }
        entries[id] = RegisteredExtension(package: package, metricsFactory: metricsFactory)
        resolverCache = nil
        try step(id, .verified)
    }

    /// Registers every package of a discovery pass; returns the ones that could not be registered
    /// together with the discovery problems. One failure never stops the others.
    @discardableResult
    public func registerAll(_ discovery: DiscoveryResult) -> [DiscoveryProblem] {
        var problems = discovery.problems
        for package in discovery.packages {
            do {
                try register(package)
            } catch {
                problems.append(DiscoveryProblem(directory: package.directory, error: error))
            }
        }
        return problems
    }

    /// Ids of every registered extension, sorted.
    public var registeredIDs: [String] { entries.keys.sorted() }

    // MARK: Calls

    /// The call handle of an active extension.
    public nonisolated func handle(for id: String) async throws(ExtensionError) -> ExtensionHandle {
        if let handle = callTable.handle(for: id) { return handle }
        return try await notServing(id)
    }

    /// The handle to retry a refused call on: if a reload's state hand-over closed the serving
    /// handle, waits (suspended) until the reload swapped versions or gave up and reopened it.
    private func handleAfterReload(_ id: String) async throws(ExtensionError) -> ExtensionHandle {
        while let entry = entries[id], entry.lifecycle.inProgress == .reloading, entry.handle?.isAccepting != true {
            await withCheckedContinuation { reloadWaiters[id, default: []].append($0) }
        }
        return try notServing(id)
    }

    /// Resumes the calls waiting for a reload of `id` to end.
    func resumeReloadWaiters(_ id: String) {
        for waiter in reloadWaiters.removeValue(forKey: id) ?? [] { waiter.resume() }
    }

    /// Why `id` has no handle: it is unknown, suspended, or not active.
    private func notServing(_ id: String) throws(ExtensionError) -> ExtensionHandle {
        let entry = try entry(id)
        if case .suspended(let reason) = entry.lifecycle.state {
            throw ExtensionError(.suspended, extensionID: id,
                                 "the extension is suspended (\(reason)); an operator must resume it: hypermesh ext resume \(id)")
        }
        guard let handle = entry.handle, entry.lifecycle.canAcceptCalls else {
            if let transition = entry.lifecycle.inProgress {
                throw ExtensionError(.notActive, extensionID: id, "the extension is \(entry.lifecycle.state), \(transition): it takes no calls now")
            }
            throw ExtensionError(.notActive, extensionID: id,
                                 "the extension is \(entry.lifecycle.state); activate it first (hypermesh ext call activates for you)")
        }
        return handle
    }

    /// Calls `method` on an active extension, on a thread of ``callExecutor`` (no hop when the
    /// caller already runs there), without waiting for the registry's actor. An in-process or wasm
    /// extension over its CPU share (`cpuPercent`) makes the call wait first, suspended with
    /// `Task.sleep` (no thread is held), until the share admits it.
    ///
    /// A call that took the handle of a version a reload just retired (closed before the call was
    /// admitted), or that a failed state hand-over closed and reopened meanwhile, is retried once on
    /// the current handle, so a reload fails no call.
    public nonisolated func call(_ id: String, method: String, input: [UInt8]) async throws(ExtensionError) -> [UInt8] {
        guard let tracer = tracing.tracer else { return try await untracedCall(id, method: method, input: input) }
        return try await CallTracing.traceCall(tracer, extensionID: id, method: method) { () async throws(ExtensionError) -> [UInt8] in
            try await self.untracedCall(id, method: method, input: input)
        }
    }

    private nonisolated func untracedCall(_ id: String, method: String, input: [UInt8]) async throws(ExtensionError) -> [UInt8] {
        // A caller already on the call executor (``CallExecutor/run(_:)``) needs no preference record.
        if callExecutor.isPreferredByCurrentTask {
            return try await callHere(id, method: method, input: input)
        }
        return try await withTaskExecutorPreference(callExecutor) { () async throws(ExtensionError) -> [UInt8] in
            try await self.callHere(id, method: method, input: input)
        }
    }

    /// The call, on whatever executor the task prefers (the call executor, by ``call(_:method:input:)``).
    private nonisolated func callHere(_ id: String, method: String, input: [UInt8]) async throws(ExtensionError) -> [UInt8] {
        let found = callTable.handle(for: id)
        let handle = if let found { found } else { try await notServing(id) }
        do throws(ExtensionError) {
            // The common case makes no further suspension point: no share to wait for, room in the gate.
            if let output = try handle.callIfAdmittedAtOnce(method: method, input: input) { return output }
            return try await handle.callWaitingForCPUShare(method: method, input: input)
        } catch {
            guard error.code == .notActive else { throw error }
            return try await self.handleAfterReload(id).callWaitingForCPUShare(method: method, input: input)
        }
    }

    /// Routes a request for an asset type to the extension that handles it.
    public nonisolated func callAsset(type assetType: String, method: String, input: [UInt8]) async throws(ExtensionError) -> [UInt8] {
        guard let handler = assets.handler(for: assetType) else {
            let known = assets.allHandlers().map(\.assetType)
            throw ExtensionError(.noAssetHandler, extensionID: nil,
                                 "no active extension handles asset type '\(assetType)'"
                                     + (known.isEmpty ? "" : "; handled types: \(known.joined(separator: ", "))"))
        }
        return try await call(handler, method: method, input: input)
    }

    // MARK: Internals shared by the lifecycle operations

    func entry(_ id: String) throws(ExtensionError) -> RegisteredExtension {
        guard let entry = entries[id] else {
            let known = entries.keys.sorted()
            throw ExtensionError(.unknownExtension, extensionID: id,
                                 "no extension with this id is registered"
                                     + (known.isEmpty ? "" : "; registered: \(known.joined(separator: ", "))"))
        }
        return entry
    }

    /// Applies a lifecycle event, publishes the resulting change, and returns the other actions.
    @discardableResult
    func step(_ id: String, _ event: LifecycleEvent) throws(ExtensionError) -> [LifecycleAction] {
        var entry = try entry(id)
        let actions: [LifecycleAction]
        do {
            actions = try entry.lifecycle.apply(event)
        } catch {
            throw ExtensionError(.illegalTransition, extensionID: id, error.message, cause: error)
        }
        entries[id] = entry
        var rest: [LifecycleAction] = []
        for action in actions {
            if case .publish(let change) = action {
                logger.info("lifecycle \(change.from.name) -> \(change.to.name)", metadata: ["extension": "\(id)", "event": "\(change.event.name)"])
                audit.note(.lifecycle, id, "\(change.from.name) -> \(change.to.name)", details: ["event": change.event.name])
                lifecycleChanges.publish(change)
            } else {
                rest.append(action)
            }
        }
        return rest
    }

    /// Routes calls to `id` through `handle` from now on.
    func install(_ handle: ExtensionHandle) {
        entries[handle.extensionID]?.handle = handle
        callTable.install(handle)
    }

    /// Stops serving calls: withdraws and closes the handle, waits (suspended, holding no thread)
    /// for admitted calls to return, and releases the asset types the extension handles. Shared by
    /// deactivation, suspension and failure.
    func stopServing(_ id: String) async {
        callTable.withdraw(id)
        let handle = entries[id]?.handle
        entries[id]?.handle = nil
        await handle?.closeAndDrain()
        assets.unregisterAll(of: id)
        if let counters = entries[id]?.instance?.context.counters, counters.callCount > 0 {
            audit.note(.hostCalls, id, "\(counters.callCount) host call(s), \(counters.denialCount) denied, while serving",
                       details: ["calls": "\(counters.callCount)", "denials": "\(counters.denialCount)"])
        }
    }
}
