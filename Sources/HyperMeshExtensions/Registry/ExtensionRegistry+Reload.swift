import Foundation
import HyperMeshManifest
import HyperMeshWasm

/// What a reload did.
public struct ReloadReport: Sendable, Equatable {
    public let extensionID: String
    public let fromVersion: String
    public let toVersion: String
    /// Whether the new version was started beside the old one and swapped in while serving (false:
    /// the extension was not active, and the new version simply replaced the registered one).
    public let hot: Bool
    /// How long the registry held the swap itself (the handle exchange), in nanoseconds.
    public let swapNanoseconds: UInt64
    /// What the canary saw: the new version's own health report, or that it has none.
    public let canary: String
    /// Bytes of state the old version exported and the new one imported; nil when there was no
    /// hand-over (one of the two lacks `export_state` / `import_state`).
    public let handedOverStateBytes: Int?
    /// How long new calls waited for the swap, in nanoseconds: the drain, the hand-over and the
    /// swap itself with a hand-over; zero without one (calls never wait then).
    public let pauseNanoseconds: UInt64

    public init(extensionID: String, fromVersion: String, toVersion: String, hot: Bool, swapNanoseconds: UInt64, canary: String,
                handedOverStateBytes: Int? = nil, pauseNanoseconds: UInt64 = 0) {
        self.extensionID = extensionID
        self.fromVersion = fromVersion
        self.toVersion = toVersion
        self.hot = hot
        self.swapNanoseconds = swapNanoseconds
        self.canary = canary
        self.handedOverStateBytes = handedOverStateBytes
        self.pauseNanoseconds = pauseNanoseconds
    }
}

extension ExtensionRegistry {
    /// Replaces a running extension with `package` (a verified package of the same id) while it
    /// serves calls, without a failed call. The steps are the lifecycle's `reload` transition
    /// (``ExtensionLifecycle``): the old version keeps serving while it is in progress.
    ///
    /// 1. Checks: the policy settles the new version's capabilities, and its version satisfies the
    ///    ranges of every active extension that depends on it. Then `reload` starts the transition
    ///    (a second reload, a deactivation meanwhile are refused; a suspension or a failure is not).
    /// 2. Off the registry's thread, on a dispatch queue: loads the new image beside the old one (a
    ///    wasm module, or a native library from a shadow copy under the state dir, since the old
    ///    path is already mapped), creates the instance with a fresh host context and activates it.
    /// 3. Canary, there too: the new version's health report must not be `unhealthy` (an extension
    ///    without a health entry passes once it activated; a health entry that fails does not). A
    ///    failure keeps the old version (`reload_abandoned`) and throws `lifecycle.reload_failed`.
    /// 4. State hand-over, when the old version has `export_state` and the new one `import_state`:
    ///    the old handle stops admitting calls and its calls in flight are drained (the reload waits
    ///    for the last one, holding no thread); the old version exports, the new one imports.
    ///    Callers wait meanwhile (none fails); the wait is ``ReloadReport/pauseNanoseconds``. A
    ///    failure reopens the old handle, keeps the old version and throws `lifecycle.reload_failed`.
    /// 5. `reloaded`: the call table routes calls to the new version (a call that took the old handle
    ///    just before is retried on the new one by ``call(_:method:input:)``).
    /// 6. Off the registry's thread: drains the calls in flight on the old version, deactivates and
    ///    destroys it, and releases its image (a Swift library stays mapped).
    ///
    /// Without the hand-over entries, state is whatever the two versions share through host
    /// storage. An extension that is not active is replaced the cold way (``update(to:)``).
    ///
    /// Not guaranteed: a hand-over drain waits for the calls in flight, so a slow in-process call
    /// delays the swap until it returns (other registry operations go on meanwhile).
    @discardableResult
    public func reload(to package: DiscoveredPackage) async throws(ExtensionError) -> ReloadReport {
        let id = package.manifest.id
        let current = try entry(id)
        let fromVersion = current.manifest.version.description
        let toVersion = package.manifest.version.description
        if current.lifecycle.inProgress == .reloading {
            throw ExtensionError(.reloadFailed, extensionID: id, "a reload of this extension is already in progress")
        }
        guard current.lifecycle.state == .active, let oldInstance = current.instance, let oldHandle = current.handle else {
            try await update(to: package)
            return ReloadReport(extensionID: id, fromVersion: fromVersion, toVersion: toVersion,
                                hot: false, swapNanoseconds: 0, canary: "not active: replaced without a canary")
        }
        try checkReloadable(current, to: package)
        try step(id, .reload)

        /// Ends the transition with the old version serving, retires the candidate, and throws.
        func abandon(_ candidate: (ExtensionInstance, LoadedImage)?, _ record: String, _ error: ExtensionError) async -> ExtensionError {
            if let (instance, image) = candidate {
                await Self.retire(handle: nil, instance: instance, image: image, stateDirectory: stateStore.directory)
            }
            if entries[id]?.lifecycle.inProgress == .reloading {
                _ = try? step(id, .reloadAbandoned(cause: error.message))
            }
            resumeReloadWaiters(id)
            audit.record(.lifecycle, id, record, details: ["from": fromVersion, "to": toVersion, "code": error.code.rawValue])
            return error
        }

        var staged = current
        staged.package = package
        let context = makeHostContext(for: staged)
        let candidate: ExtensionInstance
        let image: LoadedImage
        let canary: (passed: Bool, report: String)
        do throws(ExtensionError) {
            let isolated = package.manifest.kind == .native && policy.isolation(for: package.manifest, signer: package.verification.signer?.fingerprint) == .process
            let (engine, toolchain) = package.manifest.kind == .wasm ? wasmEngineChoice(for: staged) : (nil, nil)
            let started = try await Self.startCandidate(package: package, context: context, stateDirectory: stateStore.directory,
                                                        hostABIVersion: hostABIVersion,
                                                        // Only a wasm version needs (and may calibrate) the fuel rate.
                                                        wasmFuelRate: package.manifest.kind == .wasm ? wasmFuelRate : nil,
                                                        isolated: isolated,
                                                        compiledWasm: toolchain.map { ($0, policy.quotas(for: package.manifest, signer: staged.signer)) },
                                                        onWorkerEnded: workerEndedHandler(id))
            (image, candidate, canary) = (started.image, started.instance, started.canary)
            entries[id]?.wasmEngine = engine
        } catch {
            throw await abandon(nil, "reload to \(toVersion) failed; \(fromVersion) keeps serving: \(error.message)",
                                ExtensionError(.reloadFailed, extensionID: id, "the new version \(toVersion) did not start; \(fromVersion) keeps serving: \(error.message)",
                                               cause: error.cause ?? error.code.rawValue))
        }
        guard canary.passed else {
            throw await abandon((candidate, image), "reload to \(toVersion) refused by its canary; \(fromVersion) keeps serving: \(canary.report)",
                                ExtensionError(.reloadFailed, extensionID: id,
                                               "the new version \(toVersion) failed its canary health check; \(fromVersion) keeps serving", cause: canary.report))
        }
        // Still reloading the same version? (A suspension or a failure may have ended the reload.)
        guard let now = entries[id], now.instance === oldInstance, now.lifecycle.inProgress == .reloading else {
            throw await abandon((candidate, image), "reload to \(toVersion) abandoned: the extension changed state during the reload (now \(stateName(id, serving: oldInstance))); nothing was swapped",
                                ExtensionError(.reloadFailed, extensionID: id, "the extension changed state during the reload (now \(stateName(id, serving: oldInstance))); nothing was swapped"))
        }
        let oldImage = now.image
        let pauseStart = MonotonicClock.nanoseconds()
        var handedOver: Int?
        if oldInstance.stateHandOver.exports, candidate.stateHandOver.imports {
            await oldHandle.closeAndDrain()
            do throws(ExtensionError) {
                let state = try oldInstance.exportState()
                try candidate.importState(state)
                handedOver = state.count
            } catch {
                oldHandle.reopen()
                throw await abandon((candidate, image), "reload to \(toVersion) failed in the state hand-over; \(fromVersion) keeps serving: \(error.message)",
                                    ExtensionError(.reloadFailed, extensionID: id,
                                                   "the state hand-over to \(toVersion) failed; \(fromVersion) keeps serving: \(error.message)",
                                                   cause: error.cause ?? error.code.rawValue))
            }
            guard entries[id]?.lifecycle.inProgress == .reloading else {
                throw await abandon((candidate, image), "reload to \(toVersion) abandoned during the state hand-over: the extension is now \(stateName(id, serving: oldInstance))",
                                    ExtensionError(.reloadFailed, extensionID: id, "the extension changed state during the state hand-over (now \(stateName(id, serving: oldInstance))); nothing was swapped"))
            }
        }
        let swapStart = MonotonicClock.nanoseconds()
        entries[id]?.package = package
        resolverCache = nil
        entries[id]?.image = image
        entries[id]?.instance = candidate
        install(ExtensionHandle(instance: candidate, metrics: now.metrics))
        let swapEnd = MonotonicClock.nanoseconds()
        try step(id, .reloaded)
        resumeReloadWaiters(id)
        let swapNanoseconds = swapEnd &- swapStart
        let pauseNanoseconds = handedOver == nil ? 0 : swapEnd &- pauseStart
        let handOverText = handedOver.map { ", \($0) bytes of state handed over" } ?? ""
        audit.note(.lifecycle, id, "reloaded \(fromVersion) -> \(toVersion) while serving (canary: \(canary.report)\(handOverText))",
                   details: ["from": fromVersion, "to": toVersion, "event": "reloaded",
                             "state_bytes": handedOver.map(String.init) ?? "", "pause_ns": "\(pauseNanoseconds)"])
        logger.info("reloaded \(fromVersion) -> \(toVersion)", metadata: ["extension": "\(id)"])
        await Self.retire(handle: oldHandle, instance: oldInstance, image: oldImage, stateDirectory: stateStore.directory)
        return ReloadReport(extensionID: id, fromVersion: fromVersion, toVersion: toVersion,
                            hot: true, swapNanoseconds: swapNanoseconds, canary: canary.report,
                            handedOverStateBytes: handedOver, pauseNanoseconds: pauseNanoseconds)
    }

    /// The state of `id` for a message, with the transition in progress and whether another
    /// instance serves now.
    private func stateName(_ id: String, serving instance: ExtensionInstance) -> String {
        guard let entry = entries[id] else { return "unregistered" }
        var name = entry.lifecycle.state.name
        if let transition = entry.lifecycle.inProgress { name += ", \(transition)" }
        if entry.instance !== instance { name += ", another instance" }
        return name
    }

    private func checkReloadable(_ current: RegisteredExtension, to package: DiscoveredPackage) throws(ExtensionError) {
        let id = current.id
        let grant = policy.grant(for: package.manifest, signer: package.verification.signer?.fingerprint)
        guard grant.isSettled else {
            let names = grant.pending.map(\.rawValue).sorted()
            throw ExtensionError(.grantPending, extensionID: id,
                                 "version \(package.manifest.version) declares capabilities the operator has not granted: \(names.joined(separator: ", ")); \(current.manifest.version) keeps serving")
        }
        for dependent in entries.values where dependent.lifecycle.state == .active {
            if let range = dependent.manifest.dependencies[id], !range.contains(package.manifest.version) {
                throw ExtensionError(.reloadFailed, extensionID: id,
                                     "\(dependent.id) needs \(id) \(range), which \(package.manifest.version) does not satisfy; \(current.manifest.version) keeps serving")
            }
        }
    }

    /// Loads, creates and activates the new version and runs its canary, off the registry's actor
    /// and on a dispatch queue: the work blocks (dlopen, a worker's start, the extension's own
    /// activate and health), and must not hold one of the few threads Swift concurrency has.
    /// `wasmFuelRate` is nil for a native version, which needs none.
    nonisolated static func startCandidate(
        package: DiscoveredPackage, context: HostContext, stateDirectory: URL, hostABIVersion: UInt32, wasmFuelRate: WasmFuelRate?,
        isolated: Bool, compiledWasm: (WasmCompilerToolchain, Quotas)? = nil, onWorkerEnded: @escaping WorkerEndedHandler
    ) async throws(ExtensionError) -> CandidateStart {
        let result = await withCheckedContinuation { (done: CheckedContinuation<Result<CandidateStart, ExtensionError>, Never>) in
            DispatchQueue.global(qos: .userInitiated).async {
                do throws(ExtensionError) {
                    let (image, instance) = try startCandidateBlocking(
                        package: package, context: context, stateDirectory: stateDirectory, hostABIVersion: hostABIVersion,
                        wasmFuelRate: wasmFuelRate, isolated: isolated, compiledWasm: compiledWasm, onWorkerEnded: onWorkerEnded)
                    done.resume(returning: .success(CandidateStart(image: image, instance: instance, canary: Self.canary(instance))))
                } catch {
                    done.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// A started candidate and its canary's verdict.
    struct CandidateStart: Sendable {
        let image: LoadedImage
        let instance: ExtensionInstance
        let canary: (passed: Bool, report: String)
    }

    private nonisolated static func startCandidateBlocking(
        package: DiscoveredPackage, context: HostContext, stateDirectory: URL, hostABIVersion: UInt32, wasmFuelRate: WasmFuelRate?,
        isolated: Bool, compiledWasm: (WasmCompilerToolchain, Quotas)?, onWorkerEnded: @escaping WorkerEndedHandler
    ) throws(ExtensionError) -> (LoadedImage, ExtensionInstance) {
        let manifest = package.manifest
        guard manifest.abi.contains(hostABIVersion) else {
            throw ExtensionError(.abiMismatch, extensionID: manifest.id, "the manifest supports host ABI \(manifest.abi) but this host speaks ABI \(hostABIVersion)")
        }
        let image: LoadedImage
        switch manifest.kind {
        case .wasm:
            if let (toolchain, quotas) = compiledWasm {
                image = .compiledWasm(try CompiledWasmImage(package: package, quotas: quotas, toolchain: toolchain, stateDirectory: stateDirectory))
            } else {
                image = .wasm(try WasmImage(package: package))
            }
        case .native where isolated:
            // A new worker maps a private copy with the verified bytes (``VerifiedPayload``).
            image = .isolated(libraryPath: try VerifiedPayload.privateCopy(of: package, stateDirectory: stateDirectory).path)
        case .native:
            let copy = try VerifiedPayload.privateCopy(of: package, stateDirectory: stateDirectory)
            do throws(ExtensionError) {
                image = .native(try openNativeImage(manifest: manifest, path: copy.path, hostABIVersion: hostABIVersion))
            } catch {
                ShadowCopy.remove(copy, stateDirectory: stateDirectory)
                throw error
            }
        }
        let instance: ExtensionInstance
        do throws(ExtensionError) {
            instance = try makeInstance(image: image, context: context, wasmFuelRate: wasmFuelRate ?? .measured, manifest: manifest,
                                        onWorkerEnded: onWorkerEnded)
        } catch {
            release(image, stateDirectory: stateDirectory)
            throw error
        }
        do throws(ExtensionError) {
            try instance.activate()
        } catch {
            instance.destroy()
            release(image, stateDirectory: stateDirectory)
            throw error
        }
        return (image, instance)
    }

    /// The canary: the new version's own health report, which must not say `unhealthy`. A health
    /// entry that fails (its worker died, it trapped, it returned an error) fails the canary.
    nonisolated static func canary(_ instance: ExtensionInstance) -> (passed: Bool, report: String) {
        let reported: [UInt8]?
        do throws(ExtensionError) {
            reported = try instance.reportedHealth()
        } catch {
            return (false, "the health check failed: \(error.description)")
        }
        guard let report = reported else { return (true, "no health entry; activated") }
        let text = String(decoding: report, as: UTF8.self)
        let object = (try? JSONSerialization.jsonObject(with: Data(report))) as? [String: Any]
        let status = object?["status"] as? String
        return (status != "unhealthy" && status != nil, text)
    }

    /// Drains the calls in flight on a retired version (suspended until the last one returns),
    /// then deactivates and destroys it and releases its image. That work blocks (the extension's
    /// own entries, a worker's exit), so it runs on a dispatch queue, not on the registry's thread
    /// nor on one of the few threads Swift concurrency has.
    nonisolated static func retire(handle: ExtensionHandle?, instance: ExtensionInstance, image: LoadedImage?, stateDirectory: URL) async {
        await handle?.closeAndDrain()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global(qos: .utility).async {
                try? instance.deactivate()
                instance.destroy()
                if let image { release(image, stateDirectory: stateDirectory) }
                done.resume()
            }
        }
    }

    /// Closes an image; a native one mapped from a shadow copy under `stateDirectory` (in process,
    /// or by an isolated worker, which has ended by now) also has its copy removed (never a library
    /// mapped from its package folder).
    nonisolated static func release(_ image: LoadedImage, stateDirectory: URL) {
        image.close()
        switch image {
        case .native(let native): ShadowCopy.remove(URL(fileURLWithPath: native.path), stateDirectory: stateDirectory)
        case .isolated(let libraryPath): ShadowCopy.remove(URL(fileURLWithPath: libraryPath), stateDirectory: stateDirectory)
        case .compiledWasm(let compiled): ShadowCopy.remove(URL(fileURLWithPath: compiled.libraryPath), stateDirectory: stateDirectory)
        case .wasm: break
        }
    }
}
