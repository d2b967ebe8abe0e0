import HyperMeshExtensions

/// `reload` on a node: discover the extension's package again (verified against the trust store),
/// and replace the registered version with it; it is active again afterwards if it was active.
///
/// Not a hot swap (yet): between the old version's deactivation and the new one's activation calls
/// fail with `call.not_active`. A package that fails verification, or declares capabilities the
/// policy has not decided, leaves the running version in place.
enum NodeReload {
    static func reload(_ node: NodeRuntime, id: String) async throws -> ExtensionDocuments.LifecycleResult {
        try await node.session.requireUsable(id)
        let verifier = try node.options.makeVerifier(logger: node.logger)
        let discovery = await ExtensionDiscovery.discover(in: SearchPaths.resolve(explicit: node.options.paths), verifier: verifier)
        if let problem = discovery.problems.first(where: { $0.error.extensionID == id }) { throw problem.error }
        guard let package = discovery.packages.first(where: { $0.manifest.id == id }) else {
            throw ExtensionError(.unknownExtension, extensionID: id, "the package is no longer on the search paths; the running version stays")
        }
        try await node.registry.update(to: package)
        return .init(id: id, action: "reloaded", changed: [id], state: try await node.registry.state(of: id).name)
    }
}
