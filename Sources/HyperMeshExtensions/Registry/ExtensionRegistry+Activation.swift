import HyperMeshManifest
import HyperMeshSecurity
import HyperMeshWasm

extension ExtensionRegistry {
    /// Activates `id` and everything it depends on, dependencies first. Returns the ids this call
    /// activated, in order (empty if all were already active).
    ///
    /// All or nothing: if any extension in the chain fails, the ones this call activated are
    /// deactivated again (reverse order) and the error names the one that failed and why. The
    /// failed extension is left `failed` with its cause.
    @discardableResult
    public func activate(_ id: String) async throws(ExtensionError) -> [String] {
        _ = try entry(id)
        let order = try resolution(roots: [id]).activationOrder
        var activated: [String] = []
        for dependency in order {
            do throws(ExtensionError) {
                if try await bringUp(dependency) { activated.append(dependency) }
            } catch {
                for done in activated.reversed() {
                    try? await tearDown(done)
                }
                if dependency == id { throw error }
                throw ExtensionError(error.code, extensionID: id,
                                     "cannot activate: its dependency \(dependency) failed: \(error.message)", cause: error.cause)
            }
        }
        return activated
    }

    /// Brings one extension to `active` from wherever it is. Returns whether it changed anything.
    private func bringUp(_ id: String) async throws(ExtensionError) -> Bool {
        switch try entry(id).lifecycle.state {
        case .active:
            return false
        case .suspended(let reason):
            throw ExtensionError(.suspended, extensionID: id, "the extension is suspended (\(reason)); an operator must resume it: hypermesh ext resume \(id)")
        case .verified:
            try requireNotSuspended(id)
            try requireSettledGrant(id)
            try step(id, .resolved)
            try await load(id)
        case .resolved, .failed:
            try requireNotSuspended(id)
            try requireSettledGrant(id)
            try await load(id)
        case .discovered, .loaded, .inactive, .unloaded:
            break
        }
        let actions = try step(id, .activate)
        do throws(ExtensionError) {
            for action in actions where action == .callActivate {
                guard let instance = try entry(id).instance else {
                    throw ExtensionError(.activationFailed, extensionID: id, "no instance to activate")
                }
                try instance.activate()
            }
        } catch {
            await fail(id, cause: error.description)
            throw error
        }
        try step(id, .activated)
        let entry = try entry(id)
        if let instance = entry.instance {
            install(ExtensionHandle(instance: instance, metrics: entry.metrics))
        }
        return true
    }

    /// Maps the image and creates the instance, checking the ABI and the metadata on the way.
    private func load(_ id: String) async throws(ExtensionError) {
        let actions = try step(id, .load)
        do throws(ExtensionError) {
            for action in actions {
                switch action {
                case .destroyInstance: releaseInstance(id)
                case .closeImage: releaseImage(id)
                case .loadImage:
                    let image = try openImage(id)
                    entries[id]?.image = image
                case .createInstance:
                    let instance = try createInstance(id)
                    entries[id]?.instance = instance
                default: break
                }
            }
        } catch {
            await fail(id, cause: error.description)
            throw error
        }
        try step(id, .loaded)
    }

    private func openImage(_ id: String) throws(ExtensionError) -> LoadedImage {
        let entry = try entry(id)
        let manifest = entry.manifest
        guard manifest.abi.contains(hostABIVersion) else {
            throw ExtensionError(.abiMismatch, extensionID: id,
                                 "the manifest supports host ABI \(manifest.abi) but this host speaks ABI \(hostABIVersion)")
        }
        switch manifest.kind {
        case .wasm:
            let (choice, toolchain) = wasmEngineChoice(for: entry)
            entries[id]?.wasmEngine = choice
            if let toolchain {
                return .compiledWasm(try CompiledWasmImage(package: entry.package, quotas: policy.quotas(for: manifest, signer: entry.signer),
                                                           toolchain: toolchain, stateDirectory: stateStore.directory))
            }
            if choice.requested == .compiled {
                logger.warning("wasm extension runs interpreted", metadata: ["extension": "\(id)", "reason": "\(choice.reason)"])
            }
            return .wasm(try WasmImage(package: entry.package))
        case .native:
            // Only the bytes verification saw are mapped, at this load and at every later one (an
            // operator's activate, a restart after a worker crash): the worker maps a private copy
            // checked as it is made; in process, the payload is checked right before dlopen.
            if policy.isolation(for: manifest, signer: entry.signer) == .process {
                return .isolated(libraryPath: try VerifiedPayload.privateCopy(of: entry.package, stateDirectory: stateStore.directory).path)
            }
            return .native(try openNativeImage(entry))
        }
    }

    /// The engine of a wasm extension: the policy's, else the manifest's, else interpreted; compiled
    /// only where this process has the toolchain (``WasmCompilerToolchain/detected``).
    func wasmEngineChoice(for entry: RegisteredExtension) -> (WasmEngineChoice, WasmCompilerToolchain?) {
        let (requested, decidedBy) = policy.wasmEngine(for: entry.manifest, signer: entry.signer)
        return WasmEngineChoice.choose(requested: requested, decidedBy: decidedBy, toolchain: wasmCompilerToolchain)
    }

    private func openNativeImage(_ entry: RegisteredExtension) throws(ExtensionError) -> NativeImage {
        try VerifiedPayload.check(entry.package)
        return try Self.openNativeImage(manifest: entry.manifest, path: entry.package.payload.path, hostABIVersion: hostABIVersion)
    }

    /// Maps the library at `path` and checks its ABI and metadata against `manifest`.
    nonisolated static func openNativeImage(manifest: Manifest, path: String, hostABIVersion: UInt32) throws(ExtensionError) -> NativeImage {
        let id = manifest.id
        let image = try NativeImage(path: path, extensionID: id)
        let metadata = image.metadata
        guard metadata.abiVersion == hostABIVersion else {
            image.close()
            throw ExtensionError(.abiMismatch, extensionID: id,
                                 "the library was built for ABI \(metadata.abiVersion) but this host speaks ABI \(hostABIVersion); rebuild it against this host's hypermesh_extension.h")
        }
        guard metadata.id == manifest.id, metadata.version == manifest.version.description else {
            image.close()
            throw ExtensionError(.metadataMismatch, extensionID: id,
                                 "the library reports \(metadata.id) \(metadata.version) but the manifest says \(manifest.id) \(manifest.version); the package holds the wrong library or a stale manifest")
        }
        return image
    }

    private func createInstance(_ id: String) throws(ExtensionError) -> ExtensionInstance {
        let entry = try entry(id)
        guard let image = entry.image else {
            throw ExtensionError(.createFailed, extensionID: id, "the image is not loaded")
        }
        return try Self.makeInstance(image: image, context: makeHostContext(for: entry), wasmFuelRate: wasmFuelRate,
                                     manifest: entry.manifest, onWorkerEnded: workerEndedHandler(id))
    }

    /// A host context for `entry`: its security context (from the policy in force), storage, files,
    /// events, assets and the host functions.
    func makeHostContext(for entry: RegisteredExtension) -> HostContext {
        let id = entry.id
        return HostContext(
            security: makeSecurityContext(for: entry), storage: stateStore.storage(for: id),
            filesDirectory: stateStore.directory.appendingPathComponent("files").appendingPathComponent(id),
            events: events, assets: assets, hostFunctions: hostFunctions, logger: logger, metricsFactory: entry.series,
            wasmFuelRate: wasmFuelRateOverride,
            workerIsolation: WorkerIsolation(settings: policy.isolatedWorkers ?? WorkerIsolationSettings(),
                                             requiredLayers: policy.requiredIsolationLayers(extensionID: id, signer: entry.signer),
                                             switches: isolationSwitches),
            outboundHTTP: outboundHTTP, networkSettings: policy.network ?? NetworkSettings(), tracing: tracing)
    }

    /// Creates the instance of `image` bound to `context` (calls the native `create`, or instantiates
    /// the wasm module).
    nonisolated static func makeInstance(
        image: LoadedImage, context: HostContext, wasmFuelRate: @autoclosure () -> WasmFuelRate, manifest: Manifest,
        onWorkerEnded: @escaping WorkerEndedHandler
    ) throws(ExtensionError) -> ExtensionInstance {
        let security = context.security
        switch image {
        case .isolated(let libraryPath):
            let runtime = try IsolatedInstance(libraryPath: libraryPath, manifest: manifest, context: context, quotas: security.quotas,
                                               onWorkerEnded: onWorkerEnded)
            return ExtensionInstance(runtime: runtime, context: context, concurrency: 1)
        case .compiledWasm(let compiled):
            // The linear memory limit is the glue's; the worker's own ceiling is the operator's
            // worker memory on top of it (the worker's runtime and the compiled code need room).
            var workerQuotas = security.quotas
            workerQuotas.memoryBytes = context.workerIsolation.settings.memoryBytes &+ compiled.memoryLimitBytes
            let runtime = try IsolatedInstance(libraryPath: compiled.libraryPath, manifest: manifest, context: context, quotas: workerQuotas,
                                               compiledWasm: true, onWorkerEnded: onWorkerEnded)
            return ExtensionInstance(runtime: runtime, context: context, concurrency: 1)
        case .native(let native):
            let runtime = try NativeInstance(image: native, context: context)
            return ExtensionInstance(runtime: runtime, context: context, concurrency: Int(security.quotas.concurrency ?? 1),
                                     cpuShare: CPUShareThrottle.forQuotas(security.quotas, extensionID: context.extensionID,
                                                                          metricsFactory: context.metricsFactory))
        case .wasm(let wasm):
            // Read here, so that only a wasm load calibrates the fuel rate (once per process).
            let limits = WasmLimitsPolicy.limits(for: security.quotas, rate: wasmFuelRate())
            let concurrency = Int(security.quotas.concurrency ?? 1)
            let runtime = try WasmInstance(image: wasm, context: context, limits: limits, concurrency: concurrency)
            return ExtensionInstance(runtime: runtime, context: context, concurrency: concurrency,
                                     cpuShare: CPUShareThrottle.forQuotas(security.quotas, extensionID: context.extensionID,
                                                                          metricsFactory: context.metricsFactory))
        }
    }

    /// Marks `id` failed with `cause` and releases whatever it held.
    func fail(_ id: String, cause: String) async {
        _ = try? step(id, .fail(cause: cause))
        await stopServing(id)
        releaseInstance(id)
        releaseImage(id)
    }

    func releaseInstance(_ id: String) {
        entries[id]?.instance?.destroy()
        entries[id]?.instance = nil
    }

    func releaseImage(_ id: String) {
        if let image = entries[id]?.image { Self.release(image, stateDirectory: stateStore.directory) }
        entries[id]?.image = nil
    }
}
