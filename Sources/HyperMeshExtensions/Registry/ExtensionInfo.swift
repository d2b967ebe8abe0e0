import HyperMeshManifest
import HyperMeshTrust

/// A read-only view of one registered extension, for listings and `ext inspect`.
public struct ExtensionInfo: Sendable {
    public let manifest: Manifest
    public let directory: String
    public let state: LifecycleState
    /// Capabilities the extension may use (declared ∩ operator policy; today: declared).
    public let grantedCapabilities: [Capability]
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

    public var id: String { manifest.id }
}
