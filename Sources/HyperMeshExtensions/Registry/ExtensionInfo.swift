import HyperMeshManifest
import HyperMeshSandbox
import HyperMeshSecurity
import HyperMeshTrust

/// A read-only view of one registered extension, for listings and `ext inspect`.
public struct ExtensionInfo: Sendable {
    public let manifest: Manifest
    public let directory: String
    public let state: LifecycleState
    /// What the operator's policy makes of the declared capabilities: granted, refused, pending.
    public let grant: CapabilityGrant
    /// Capabilities the extension may use (declared ∩ operator policy).
    public var grantedCapabilities: [Capability] { grant.granted.sorted() }
    /// The quotas in force: the manifest's with the operator's overrides.
    public let quotas: Quotas
    /// What the security layer measured while the extension was loaded; nil when not loaded.
    public let security: SecuritySnapshot?
    /// Why the extension is suspended (in this run or an earlier one), if it is.
    public let suspension: String?
    /// Asset types this extension currently handles.
    public let assetTypes: [String]
    public let metrics: ExtensionMetrics.Snapshot
    /// Present while the extension is loaded.
    public let health: ExtensionHealth?
    /// Host API calls made and refused, while loaded.
    public let hostCalls: Int
    public let hostDenials: Int
    /// Whether the image stays mapped after unload (Swift runtime images), when loaded.
    public let pinnedInMemory: Bool?
    /// What package verification found when the extension was discovered.
    public let verification: VerificationReport
    /// Limits, imports and fuel use of a WebAssembly extension; nil for native ones.
    public let wasm: WasmDetails?
    /// Where a native extension runs (`in-process` or `process`): while loaded, where it does run;
    /// otherwise where it would (the manifest's choice, or the policy's when it forces `process`);
    /// nil for wasm.
    public let isolation: String?
    /// While an isolated extension's worker runs: what it applied to itself, step by step
    /// (`seccomp: applied`, `cgroup: unavailable (...)`).
    public let confinement: [String]?
    /// While an isolated extension's worker runs: each confinement layer (landlock, seccomp,
    /// namespaces, rlimits, cgroup) as `<layer>: engaged` or `<layer>: not engaged (<why>)`.
    public let confinementLayers: [String]?
    /// While an isolated extension's worker runs: what became of its cgroup cpu controller step
    /// (`cgroup.cpu`, or the `cgroup` step when no hierarchy could be used); nil otherwise, or when
    /// the worker was not asked for a CPU share.
    public let cgroupCPU: ConfinementStep?
    /// Worker failures inside the supervisor's window, and restarts made (isolated extensions;
    /// zero otherwise).
    public let recentWorkerFailures: Int
    public let workerRestarts: Int

    public var id: String { manifest.id }
}
