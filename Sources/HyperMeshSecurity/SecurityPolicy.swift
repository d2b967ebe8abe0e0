import HyperMeshManifest

/// The operator's policy: rules for every extension, per signer and per extension id, read from
/// the policy file (see ``PolicyFile``). Default deny: an empty policy grants nothing.
///
/// Precedence: for allow and deny, the rules of the three levels add up and a deny anywhere wins;
/// for quotas, anomaly and violation settings, the extension's rule beats the signer's, which beats
/// `defaults`, which beats the manifest (quotas) or the built-in defaults.
///
/// Signers are named by the SHA-256 fingerprint (lowercase hex) of their certificate, as
/// `hypermesh ext verify` prints it.
public struct SecurityPolicy: Sendable, Hashable {
    public var defaults: PolicyRule
    public var signers: [String: PolicyRule]
    public var extensions: [String: PolicyRule]
    /// How isolated workers that end are restarted; nil: the host's defaults.
    public var supervision: SupervisionSettings?
    /// Isolated workers' required layers, default ceilings and user; nil: the defaults of
    /// ``WorkerIsolationSettings``.
    public var isolatedWorkers: WorkerIsolationSettings?
    /// The addresses the host's HTTP function never connects to; nil: ``NetworkSettings/init(deniedAddresses:)``'s
    /// default (link-local and unspecified addresses).
    public var network: NetworkSettings?

    public init(defaults: PolicyRule = PolicyRule(), signers: [String: PolicyRule] = [:], extensions: [String: PolicyRule] = [:],
                supervision: SupervisionSettings? = nil, isolatedWorkers: WorkerIsolationSettings? = nil, network: NetworkSettings? = nil) {
        self.network = network
        self.isolatedWorkers = isolatedWorkers
        self.defaults = defaults
        self.signers = signers
        self.extensions = extensions
        self.supervision = supervision
    }

    /// Grants nothing.
    public static let denyAll = SecurityPolicy()

    /// The rules that apply to an extension, most general first.
    func rules(extensionID: String, signer: String?) -> [PolicyRule] {
        [defaults] + [signer.flatMap { signers[$0] }, extensions[extensionID]].compactMap { $0 }
    }

    public func grant(for manifest: Manifest, signer: String?) -> CapabilityGrant {
        let rules = rules(extensionID: manifest.id, signer: signer)
        return CapabilityGrant(
            declared: Set(manifest.capabilities),
            allowed: rules.reduce(into: Set()) { $0.formUnion($1.allow) },
            denied: rules.reduce(into: Set()) { $0.formUnion($1.deny) })
    }

    /// The manifest's quotas with the operator's overrides applied.
    public func quotas(for manifest: Manifest, signer: String?) -> Quotas {
        rules(extensionID: manifest.id, signer: signer).reduce(manifest.quotas) { $0.overridden(by: $1.quotas) }
    }

    public func anomalySettings(extensionID: String, signer: String?) -> AnomalySettings {
        rules(extensionID: extensionID, signer: signer).compactMap(\.anomaly).last ?? .standard
    }

    /// Where `manifest`'s extension runs: `process` if the manifest asks for it or any rule for it
    /// (defaults, its signer, its id) forces it; an extension never gets less isolation than asked.
    public func isolation(for manifest: Manifest, signer: String?) -> Isolation {
        if manifest.isolation == .process { return .process }
        return rules(extensionID: manifest.id, signer: signer).contains { $0.isolation == .process } ? .process : .inProcess
    }

    /// How a wasm extension runs and who decided: the most specific policy rule that sets `engine`
    /// (per extension over per signer over `defaults`), else the manifest's `engine`, else
    /// ``WasmEngine/interpreted``. Whether the compiled tier is available here is the host's
    /// concern, not the policy's.
    public func wasmEngine(for manifest: Manifest, signer: String?) -> (engine: WasmEngine, decidedBy: String) {
        if let engine = rules(extensionID: manifest.id, signer: signer).compactMap(\.engine).last {
            return (engine, "the operator's policy")
        }
        if let engine = manifest.engine { return (engine, "the manifest") }
        return (.interpreted, "the default")
    }

    /// The confinement layers an isolated `extensionID` must have: the `isolatedWorkers` section's
    /// and every applicable rule's `requiredIsolationLayers`, together.
    public func requiredIsolationLayers(extensionID: String, signer: String?) -> Set<String> {
        rules(extensionID: extensionID, signer: signer).reduce(into: isolatedWorkers?.requiredLayers ?? []) { $0.formUnion($1.requiredIsolationLayers) }
    }

    public func violationSettings(extensionID: String, signer: String?) -> ViolationSettings {
        rules(extensionID: extensionID, signer: signer).compactMap(\.violations).last ?? .standard
    }

    /// Adds `capabilities` to the allow list of `extensionID` and removes them from its deny list.
    public mutating func allow(_ capabilities: Set<Capability>, for extensionID: String) {
        var rule = extensions[extensionID] ?? PolicyRule()
        rule.allow.formUnion(capabilities)
        rule.deny.subtract(capabilities)
        extensions[extensionID] = rule
    }

    /// Adds `capabilities` to the deny list of `extensionID` and removes them from its allow list.
    public mutating func deny(_ capabilities: Set<Capability>, for extensionID: String) {
        var rule = extensions[extensionID] ?? PolicyRule()
        rule.deny.formUnion(capabilities)
        rule.allow.subtract(capabilities)
        extensions[extensionID] = rule
    }
}
