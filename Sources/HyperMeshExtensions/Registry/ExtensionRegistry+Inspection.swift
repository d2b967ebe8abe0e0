import HyperMeshManifest
import HyperMeshSandbox

extension ExtensionRegistry {
    /// The resolved dependency order of `roots` (and what they need) among registered extensions.
    public func resolution(roots: [String]) throws(ExtensionError) -> Resolution {
        do {
            return try resolver().resolve(roots: roots)
        } catch {
            throw ExtensionError(.dependencyResolution, extensionID: error.extensionID, error.message)
        }
    }

    /// The resolved dependency order of every registered extension.
    public func resolutionOfAll() throws(ExtensionError) -> Resolution {
        try resolution(roots: registeredIDs)
    }

    /// A view of one extension.
    public func info(_ id: String) throws(ExtensionError) -> ExtensionInfo {
        let entry = try entry(id)
        let context = entry.instance?.context
        let quotas = context?.security.quotas ?? policy.quotas(for: entry.manifest, signer: entry.signer)
        return ExtensionInfo(
            manifest: entry.manifest,
            directory: entry.package.directory.path,
            state: entry.lifecycle.state,
            grant: context?.security.grant ?? entry.grant(under: policy),
            quotas: quotas,
            security: context.map { SecuritySnapshot($0.security, cpuShare: entry.instance?.cpuShare) },
            suspension: suspensionReason(of: entry),
            assetTypes: assets.assetTypes(of: id),
            metrics: entry.metrics.snapshot,
            health: entry.instance.map { ExtensionHealth(of: $0, metrics: entry.metrics.snapshot) },
            hostCalls: context?.counters.callCount ?? 0,
            hostDenials: context?.counters.denialCount ?? 0,
            pinnedInMemory: entry.image?.usesSwiftRuntime,
            verification: entry.package.verification,
            wasm: wasmDetails(of: entry, quotas: quotas),
            // Where it runs when loaded; else where the policy would run it now.
            isolation: entry.image.map { $0.isolation?.rawValue }
                ?? (entry.manifest.kind == .native ? policy.isolation(for: entry.manifest, signer: entry.signer).rawValue : nil),
            confinement: (entry.instance?.runtime as? IsolatedInstance)?.confinement.steps.map(\.description),
            confinementLayers: (entry.instance?.runtime as? IsolatedInstance).map { ConfinementLayers.describe($0.confinement) },
            cgroupCPU: (entry.instance?.runtime as? IsolatedInstance).flatMap { cgroupCPUStep(of: $0.confinement) },
            recentWorkerFailures: entry.supervision.recentFailures(at: .now), workerRestarts: entry.supervision.restarts)
    }

    /// The worker's `cgroup.cpu` step, or its `cgroup` step when that failed before any controller
    /// was tried; nil when neither was taken (no cgroup limit asked).
    private func cgroupCPUStep(of report: ConfinementReport) -> ConfinementStep? {
        if let step = report.step("cgroup.cpu") { return step }
        guard let cgroup = report.step("cgroup"), !cgroup.outcome.isApplied else { return nil }
        return cgroup
    }

    private func suspensionReason(of entry: RegisteredExtension) -> String? {
        if case .suspended(let reason) = entry.lifecycle.state { return reason }
        return ((try? stateStore.suspensions.suspension(of: entry.id)) ?? nil).map { "\($0.reason) (since \($0.since))" }
    }

    /// Views of every registered extension, sorted by id.
    public func list() -> [ExtensionInfo] {
        registeredIDs.compactMap { try? info($0) }
    }

    /// Registered extension ids grouped by manifest category, each list sorted.
    public func categories() -> [String: [String]] {
        Dictionary(grouping: entries.values, by: { $0.manifest.category }).mapValues { $0.map(\.id).sorted() }
    }

    /// The state of one extension.
    public func state(of id: String) throws(ExtensionError) -> LifecycleState {
        try entry(id).lifecycle.state
    }

    /// The resolver over every registered manifest, kept until the set of manifests changes: an
    /// activation of each of 1,000 registered extensions builds it once, not 1,000 times.
    func resolver() -> DependencyResolver {
        if let resolverCache { return resolverCache }
        let built = DependencyResolver(nodes: entries.values.map { DependencyNode(manifest: $0.manifest) }, hostABI: hostABIVersion)
        resolverCache = built
        return built
    }
}
