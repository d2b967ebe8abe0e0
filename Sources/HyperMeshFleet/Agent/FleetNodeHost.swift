/// What the fleet agent needs from the node it runs in. The node (`hypermesh serve`) implements it
/// over its extension registry and audit log; tests can implement it without a host.
public protocol FleetNodeHost: Sendable {
    /// Makes the running node serve what the store just committed to `installed/<id>`: reloads the
    /// extension (verified again, canary, swapped while serving) or registers and activates it.
    /// Throws when the node keeps (or falls back to) what it ran before.
    func applyInstalled(extensionID: String) async throws

    /// Deactivates and unregisters the extension (a rolled-back first install: no version to go
    /// back to). Does nothing when it is not registered.
    func remove(extensionID: String) async throws

    /// The extension's health as the node sees it now; nil when it is not registered.
    func health(of extensionID: String) async -> FleetExtensionHealth?

    /// What runs on the node, for its record in etcd.
    func runningExtensions() async -> [FleetNodeRecord.RunningExtension]

    /// Appends a `fleet` record to the node's audit log (durable when it returns; off the
    /// cooperative pool). Throws when it cannot be written.
    func audit(_ message: String, extensionID: String?, details: [String: String]) async throws
}

/// An extension's health, counted since it was (re)loaded: what the rollout's health gate judges.
public struct FleetExtensionHealth: Sendable, Hashable {
    public var version: String
    /// Not failing: `healthy`, `degraded` or `unknown` (the extension's own report and its error rate).
    public var healthy: Bool
    public var detail: String?
    public var calls: Int
    public var errors: Int
    public var violations: Int

    public init(version: String, healthy: Bool, detail: String?, calls: Int, errors: Int, violations: Int) {
        self.version = version
        self.healthy = healthy
        self.detail = detail
        self.calls = calls
        self.errors = errors
        self.violations = violations
    }
}
