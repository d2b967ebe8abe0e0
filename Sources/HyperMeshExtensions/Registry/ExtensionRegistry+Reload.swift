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
    /// serves calls, without a failed call.
    ///
    /// 1. Checks: the policy settles the new version's capabilities, and its version satisfies the
    ///    ranges of every active extension that depends on it.
    /// 2. Off the actor, on a dispatch queue: loads the new image beside the old one (a wasm module,
    ///    or a native library from a shadow copy under the state dir, since the old path is already
    ///    mapped), creates the instance with a fresh host context and activates it.
    /// 3. Canary, there too: the new version's health report must not be `unhealthy` (an extension
    ///    without a health entry passes once it activated; a health entry that fails does not). A failure keeps the old version and throws
    ///    `lifecycle.reload_failed` with the reason.
    /// 4. State hand-over, when the old version has `export_state` and the new one `import_state`:
    ///    on the actor, the old handle stops admitting calls and its calls in flight are drained;
    ///    the old version exports, the new one imports. Callers wait on the actor meanwhile (none
    ///    fails); the wait is ``ReloadReport/pauseNanoseconds``. A failure reopens the old handle,
    ///    keeps the old version and throws `lifecycle.reload_failed` (cause: the extension's message).
    /// 5. On the actor: swaps the call handle (calls admitted from then on reach the new version; a
    ///    call that took the old handle just before is retried on the new one by ``call(_:method:input:)``).
    /// 6. Off the actor: drains the calls in flight on the old version, deactivates and destroys it,
    ///    and releases its image (a Swift library stays mapped).
    ///
    /// Without the hand-over entries, state is whatever the two versions share through host
    /// storage. An extension that is not active is replaced the cold way (``update(to:)``).
    ///
    /// Not guaranteed: a hand-over drain waits for the calls in flight on the actor, so a slow call
    /// holds every registry operation until it returns (at most its deadline for wasm and isolated
    /// extensions; unbounded for in-process native code).
    @discardableResult
    public func reload(to package: DiscoveredPackage) async throws(ExtensionError) -> ReloadReport {
        let id = package.manifest.id
        let current = try entry(id)
        let fromVersion = current.manifest.version.description
        guard current.lifecycle.state == .active, let oldInstance = current.instance, let oldHandle = current.handle else {
            try update(to: package)
            return ReloadReport(extensionID: id, fromVersion: fromVersion, toVersion: package.manifest.version.description,
                                hot: false, swapNanoseconds: 0, canary: "not active: replaced without a canary")
        }
        guard reloading.insert(id).inserted else {
            throw ExtensionError(.reloadFailed, extensionID: id, "a reload of this extension is already in progress")
        }
        defer { reloading.remove(id) }
        try checkReloadable(current, to: package)

        var staged = current
        staged.package = package
        let context = makeHostContext(for: staged)
        let candidate: ExtensionInstance
        let image: LoadedImage
        let canary: (passed: Bool, report: String)
        do throws(ExtensionError) {
            let isolated = package.manifest.kind == .native && policy.isolation(for: package.manifest, signer: package.verification.signer?.fingerprint) == .process
            let started = try await Self.startCandidate(package: package, context: context, stateDirectory: stateStore.directory,
                                                               hostABIVersion: hostABIVersion, wasmFuelRate: wasmFuelRate,
                                                               isolated: isolated, onWorkerEnded: workerEndedHandler(id))
            (image, candidate, canary) = (started.image, started.instance, started.canary)
        } catch {
            audit.record(.lifecycle, id, "reload to \(package.manifest.version) failed; \(fromVersion) keeps serving: \(error.message)",
                         details: ["from": fromVersion, "to": package.manifest.version.description, "code": error.code.rawValue])
            throw ExtensionError(.reloadFailed, extensionID: id, "the new version \(package.manifest.version) did not start; \(fromVersion) keeps serving: \(error.message)",
                                 cause: error.cause ?? error.code.rawValue)
        }
        guard canary.passed else {
            await Self.retire(handle: nil, instance: candidate, image: image, stateDirectory: stateStore.directory)
            audit.record(.lifecycle, id, "reload to \(package.manifest.version) refused by its canary; \(fromVersion) keeps serving: \(canary.report)",
                         details: ["from": fromVersion, "to": package.manifest.version.description])
            throw ExtensionError(.reloadFailed, extensionID: id,
                                 "the new version \(package.manifest.version) failed its canary health check; \(fromVersion) keeps serving", cause: canary.report)
        }
        // Still the same running version? (A deactivation or suspension may have run meanwhile.)
        guard let now = entries[id], now.instance === oldInstance, now.lifecycle.state == .active else {
            await Self.retire(handle: nil, instance: candidate, image: image, stateDirectory: stateStore.directory)
            let state = entries[id].map { $0.instance === oldInstance ? $0.lifecycle.state.name : "\($0.lifecycle.state.name), another instance" } ?? "unregistered"
            audit.record(.lifecycle, id, "reload to \(package.manifest.version) abandoned: the extension changed state during the reload (now \(state)); nothing was swapped",
                         details: ["from": fromVersion, "to": package.manifest.version.description])
            throw ExtensionError(.reloadFailed, extensionID: id, "the extension changed state during the reload (now \(state)); nothing was swapped")
        }
        let oldImage = now.image
        let pauseStart = MonotonicClock.nanoseconds()
        var handedOver: Int?
        if oldInstance.stateHandOver.exports, candidate.stateHandOver.imports {
            do throws(ExtensionError) {
                handedOver = try Self.handOverState(from: oldInstance, handle: oldHandle, to: candidate)
            } catch {
                oldHandle.reopen()
                await Self.retire(handle: nil, instance: candidate, image: image, stateDirectory: stateStore.directory)
                audit.record(.lifecycle, id, "reload to \(package.manifest.version) failed in the state hand-over; \(fromVersion) keeps serving: \(error.message)",
                             details: ["from": fromVersion, "to": package.manifest.version.description, "code": error.code.rawValue])
                throw ExtensionError(.reloadFailed, extensionID: id,
                                     "the state hand-over to \(package.manifest.version) failed; \(fromVersion) keeps serving: \(error.message)",
                                     cause: error.cause ?? error.code.rawValue)
            }
        }
        let swapStart = MonotonicClock.nanoseconds()
        entries[id]?.package = package
        entries[id]?.image = image
        entries[id]?.instance = candidate
        entries[id]?.handle = ExtensionHandle(instance: candidate, metrics: now.metrics)
        let swapEnd = MonotonicClock.nanoseconds()
        let swapNanoseconds = swapEnd &- swapStart
        let pauseNanoseconds = handedOver == nil ? 0 : swapEnd &- pauseStart
        let handOverText = handedOver.map { ", \($0) bytes of state handed over" } ?? ""
        audit.note(.lifecycle, id, "reloaded \(fromVersion) -> \(package.manifest.version) while serving (canary: \(canary.report)\(handOverText))",
                   details: ["from": fromVersion, "to": package.manifest.version.description, "event": "reloaded",
                             "state_bytes": handedOver.map(String.init) ?? "", "pause_ns": "\(pauseNanoseconds)"])
        logger.info("reloaded \(fromVersion) -> \(package.manifest.version)", metadata: ["extension": "\(id)"])
        await Self.retire(handle: oldHandle, instance: oldInstance, image: oldImage, stateDirectory: stateStore.directory)
        return ReloadReport(extensionID: id, fromVersion: fromVersion, toVersion: package.manifest.version.description,
                            hot: true, swapNanoseconds: swapNanoseconds, canary: canary.report,
                            handedOverStateBytes: handedOver, pauseNanoseconds: pauseNanoseconds)
    }

    /// Stops the old version's calls (draining those in flight), then moves its state to the
    /// candidate. Returns the number of bytes handed over.
    private nonisolated static func handOverState(from old: ExtensionInstance, handle: ExtensionHandle, to candidate: ExtensionInstance) throws(ExtensionError) -> Int {
        handle.closeAndDrain()
        let state = try old.exportState()
        try candidate.importState(state)
        return state.count
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
    nonisolated static func startCandidate(
        package: DiscoveredPackage, context: HostContext, stateDirectory: URL, hostABIVersion: UInt32, wasmFuelRate: WasmFuelRate,
        isolated: Bool, onWorkerEnded: @escaping WorkerEndedHandler
    ) async throws(ExtensionError) -> CandidateStart {
        let result = await withCheckedContinuation { (done: CheckedContinuation<Result<CandidateStart, ExtensionError>, Never>) in
            DispatchQueue.global(qos: .userInitiated).async {
                do throws(ExtensionError) {
                    let (image, instance) = try startCandidateBlocking(
                        package: package, context: context, stateDirectory: stateDirectory, hostABIVersion: hostABIVersion,
                        wasmFuelRate: wasmFuelRate, isolated: isolated, onWorkerEnded: onWorkerEnded)
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
        package: DiscoveredPackage, context: HostContext, stateDirectory: URL, hostABIVersion: UInt32, wasmFuelRate: WasmFuelRate,
        isolated: Bool, onWorkerEnded: @escaping WorkerEndedHandler
    ) throws(ExtensionError) -> (LoadedImage, ExtensionInstance) {
        let manifest = package.manifest
        guard manifest.abi.contains(hostABIVersion) else {
            throw ExtensionError(.abiMismatch, extensionID: manifest.id, "the manifest supports host ABI \(manifest.abi) but this host speaks ABI \(hostABIVersion)")
        }
        let image: LoadedImage
        switch manifest.kind {
        case .wasm:
            image = .wasm(try WasmImage(package: package))
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
            instance = try makeInstance(image: image, context: context, wasmFuelRate: wasmFuelRate, manifest: manifest, onWorkerEnded: onWorkerEnded)
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

    /// Drains the calls in flight on a retired version, deactivates and destroys it, and releases
    /// its image. Off the actor: draining waits for calls to return.
    ///
    /// The work blocks (draining, a worker's exit), so it runs on a dispatch queue, not on one of
    /// the few threads Swift concurrency has: callers that need the registry meanwhile are not held up.
    nonisolated static func retire(handle: ExtensionHandle?, instance: ExtensionInstance, image: LoadedImage?, stateDirectory: URL) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global(qos: .utility).async {
                handle?.closeAndDrain()
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
        case .wasm: break
        }
    }
}
