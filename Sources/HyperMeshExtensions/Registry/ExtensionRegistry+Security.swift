import HyperMeshManifest
import HyperMeshSecurity

extension ExtensionRegistry {
    /// Replaces the operator's policy. Grants of extensions not loaded yet follow at once (a
    /// pending capability that is now granted no longer blocks activation); a loaded extension
    /// keeps the grant it was loaded with until it is loaded again.
    public func setPolicy(_ policy: SecurityPolicy) {
        self.policy = policy
    }

    /// The grant `policy` gives `id` now.
    public func grant(of id: String) throws(ExtensionError) -> CapabilityGrant {
        try entry(id).grant(under: policy)
    }

    /// Grants `capabilities` to `id` in the policy in force (the caller persists the policy) and
    /// writes the grant to the audit log. Returns the grant that results.
    @discardableResult
    public func grant(_ capabilities: Set<Capability>, to id: String) throws(ExtensionError) -> CapabilityGrant {
        _ = try entry(id)
        policy.allow(capabilities, for: id)
        audit.record(.grant, id, "granted \(capabilities.map(\.rawValue).sorted().joined(separator: ", "))",
                     details: ["capabilities": capabilities.map(\.rawValue).sorted().joined(separator: ",")])
        return try grant(of: id)
    }

    /// Refuses activation while the policy leaves declared capabilities undecided.
    func requireSettledGrant(_ id: String) throws(ExtensionError) {
        let grant = try grant(of: id)
        guard grant.isSettled else {
            let names = grant.pending.map(\.rawValue).sorted()
            throw ExtensionError(.grantPending, extensionID: id,
                                 "declares capabilities the operator has not granted: \(names.joined(separator: ", ")); grant them with `hypermesh ext grant \(id) \(names.joined(separator: " "))` (or refuse them in the policy's deny list)")
        }
    }

    /// The security context of a loading extension, wired to suspend or fail it through this
    /// registry when the security layer decides so.
    func makeSecurityContext(for entry: RegisteredExtension) -> SecurityContext {
        let id = entry.id
        let signer = entry.signer
        let security = SecurityContext(
            extensionID: id, signer: signer, grant: entry.grant(under: policy),
            quotas: policy.quotas(for: entry.manifest, signer: signer), networkHosts: entry.manifest.networkHosts,
            anomaly: policy.anomalySettings(extensionID: id, signer: signer),
            violations: policy.violationSettings(extensionID: id, signer: signer),
            audit: audit, events: events, logger: logger, metricsFactory: entry.series)
        let suspensions = stateStore.suspensions
        let logger = logger
        security.install(SecurityReactions(
            persistSuspension: { reason in
                do {
                    try suspensions.suspend(id, reason: reason)
                } catch {
                    logger.error("the suspension of \(id) is not persisted: \(error)")
                }
            },
            suspend: { [weak self] reason in
                guard let self else { return }
                Task { try? await self.suspend(id, reason: reason) }
            },
            terminate: { [weak self] cause in
                guard let self else { return }
                Task { await self.terminate(id, cause: cause) }
            }))
        return security
    }

    /// Stops serving `id`, releases its instance and image, and marks it failed with `cause`.
    func terminate(_ id: String, cause: String) async {
        guard entries[id] != nil else { return }
        audit.record(.lifecycle, id, "terminated: \(cause)")
        await fail(id, cause: cause)
    }
}

extension ExtensionRegistry {
    /// Replaces the registered version of an extension with `package` (a newer package of the same
    /// id; an unregistered id is simply registered). Refused with `security.grant_pending`, and the
    /// running version left as it is, while the new version declares capabilities the policy has
    /// not decided. Otherwise the old version is deactivated and unloaded, the new one registered,
    /// and activated if the old one was active.
    ///
    /// Not a hot swap: calls fail with `call.not_active` between the two. Refused while active
    /// extensions depend on the old version.
    public func update(to package: DiscoveredPackage) async throws(ExtensionError) {
        let id = package.manifest.id
        guard let current = entries[id] else {
            try register(package)
            return
        }
        let grant = policy.grant(for: package.manifest, signer: package.verification.signer?.fingerprint)
        guard grant.isSettled else {
            let names = grant.pending.map(\.rawValue).sorted()
            audit.record(.grant, id, "update to \(package.manifest.version) waits for a grant of \(names.joined(separator: ", ")); \(current.manifest.version) keeps running",
                         details: ["pending": names.joined(separator: ","), "version": package.manifest.version.description])
            throw ExtensionError(.grantPending, extensionID: id,
                                 "version \(package.manifest.version) declares capabilities the operator has not granted: \(names.joined(separator: ", ")); version \(current.manifest.version) keeps running. Grant them with `hypermesh ext grant \(id) \(names.joined(separator: " "))`")
        }
        let wasActive = current.lifecycle.state == .active
        try await unregister(id)
        try register(package)
        if wasActive { try await activate(id) }
    }
}
