import HyperMeshExtensions

/// `reload` on a node: discover the extension's package again (verified against the trust store)
/// and swap it in while the extension serves (``ExtensionRegistry/reload(to:)``: the new version
/// starts beside the old, passes a canary health check, takes the call handle; the old one drains).
/// A package that fails verification, declares capabilities the policy has not decided, or fails
/// its canary leaves the running version in place.
enum NodeReload {
    static func reload(_ node: NodeRuntime, id: String) async throws -> ExtensionDocuments.LifecycleResult {
        try await node.session.requireUsable(id)
        let verifier = try node.options.makeVerifier(logger: node.logger)
        let discovery = await ExtensionDiscovery.discover(in: SearchPaths.resolve(explicit: node.options.paths), verifier: verifier)
        if let problem = discovery.problems.first(where: { $0.error.extensionID == id }) { throw problem.error }
        guard let package = discovery.packages.first(where: { $0.manifest.id == id }) else {
            throw ExtensionError(.unknownExtension, extensionID: id, "the package is no longer on the search paths; the running version stays")
        }
        let report = try await node.registry.reload(to: package)
        node.logger.notice("reloaded \(report.fromVersion) -> \(report.toVersion)\(report.hot ? " while serving" : " (not active: replaced)")",
                           metadata: ["extension": "\(id)", "canary": "\(report.canary)"])
        return .init(id: id, action: "reloaded", changed: [id], state: try await node.registry.state(of: id).name)
    }
}
