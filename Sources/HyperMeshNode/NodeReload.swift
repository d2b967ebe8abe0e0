package import Foundation
import HyperMeshCLI
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
        let discovery = await ExtensionDiscovery.discover(in: node.options.searchPaths(), verifier: verifier)
        if let problem = discovery.problems.first(where: { $0.error.extensionID == id }) { throw problem.error }
        guard let package = discovery.packages.first(where: { $0.manifest.id == id }) else {
            throw ExtensionError(.unknownExtension, extensionID: id, "the package is no longer on the search paths; the running version stays")
        }
        let report = try await node.registry.reload(to: package)
        node.logger.notice("reloaded \(report.fromVersion) -> \(report.toVersion)\(report.hot ? " while serving" : " (not active: replaced)")",
                           metadata: ["extension": "\(id)", "canary": "\(report.canary)",
                                      "state_bytes": "\(report.handedOverStateBytes.map(String.init) ?? "none")", "pause_ns": "\(report.pauseNanoseconds)"])
        return .init(id: id, action: "reloaded", changed: [id], state: try await node.registry.state(of: id).name)
    }
}

extension NodeReload {
    /// `serve --watch`: the package folders in `folders` changed. Each one that holds a registered
    /// extension is reloaded (hot, with its canary); a new package is registered and activated; a
    /// package that no longer verifies, or a folder that is gone, is logged and the running version
    /// stays. Never throws: every outcome is logged (and a reload's is audited by the registry).
    /// Nothing is registered, activated or reloaded once the node is stopping: its extensions are
    /// being drained and deactivated, and the audit log is about to close.
    static func apply(changedFolders folders: [URL], on node: NodeRuntime) async {
        let logger = node.logger
        guard !node.isStopping else {
            logger.notice("--watch: the node is stopping; \(folders.count) changed package folder(s) left alone")
            return
        }
        let discovery: DiscoveryResult
        do {
            let verifier = try node.options.makeVerifier(logger: logger)
            discovery = await ExtensionDiscovery.discover(in: node.options.searchPaths(), verifier: verifier)
        } catch {
            logger.error("--watch: cannot verify the changed packages: \(error)")
            return
        }
        let registered = Set(await node.registry.registeredIDs)
        for folder in folders where !node.isStopping {
            let path = folder.standardizedFileURL.path
            if let problem = discovery.problems.first(where: { $0.directory.standardizedFileURL.path == path }) {
                logger.warning("--watch: \(path) changed but cannot be used; the running version stays: \(problem.error.description)")
                continue
            }
            guard let package = discovery.packages.first(where: { $0.directory.standardizedFileURL.path == path }) else {
                logger.notice("--watch: \(path) holds no package now; a running version stays until `ext deactivate` or a restart")
                continue
            }
            let id = package.manifest.id
            do {
                if registered.contains(id) {
                    let report = try await node.registry.reload(to: package)
                    logger.notice("--watch: reloaded \(report.fromVersion) -> \(report.toVersion)\(report.hot ? " while serving" : "")",
                                  metadata: ["extension": "\(id)"])
                } else {
                    try await node.registry.register(package)
                    try await node.registry.activate(id)
                    logger.notice("--watch: new package registered and activated", metadata: ["extension": "\(id)"])
                }
            } catch {
                logger.warning("--watch: \(ErrorRecord(error).text)", metadata: ["extension": "\(id)"])
            }
        }
    }
}
