import Foundation
import HyperMeshExtensions
import HyperMeshState
import Logging
import Metrics

/// One command's view of the host: the state store, the discovery pass over the search paths
/// (every package verified against the trust store), and a registry with every usable package registered (nothing loaded yet).
struct HostSession {
    let registry: ExtensionRegistry
    let logger: Logger
    let discovery: DiscoveryResult
    /// Discovery problems plus packages that could not be registered.
    let problems: [DiscoveryProblem]

    static func open(_ options: HostOptions, metricsFactory: any MetricsFactory = MetricsSystem.factory) async throws -> HostSession {
        let stateDirectory = options.resolvedStateDirectory()
        let store = try StateStore(directory: stateDirectory)
        let logger = options.makeLogger()
        let audit = SecurityAudit(log: try options.openAudit(), logger: logger)
        let registry = ExtensionRegistry(
            stateStore: store, policy: try options.loadPolicy(), audit: audit,
            consensus: LazyNodeConsensus(stateDirectory: stateDirectory), logger: logger, metricsFactory: metricsFactory)
        let verifier = try options.makeVerifier(logger: logger)
        let discovery = await ExtensionDiscovery.discover(in: SearchPaths.resolve(explicit: options.paths), verifier: verifier)
        let problems = await registry.registerAll(discovery)
        return HostSession(registry: registry, logger: logger, discovery: discovery, problems: problems)
    }

    /// A problem that concerns `id`, if its package was found but is broken.
    func problem(for id: String) -> DiscoveryProblem? {
        problems.first { $0.error.extensionID == id }
    }

    /// Throws the package problem of `id` if there is one, and otherwise checks that `id` is
    /// registered; an unknown id mentions unreadable packages, since `id` may be one of them.
    func requireUsable(_ id: String) async throws {
        if let problem = problem(for: id) { throw problem.error }
        guard await registry.registeredIDs.contains(id) else {
            let unreadable = problems.filter { $0.error.extensionID == nil }.count
            var message = "no extension with this id was found on the search paths"
            message += " (\(discovery.searchedPaths.map(\.path).joined(separator: ", ")))"
            if unreadable > 0 {
                message += "; \(unreadable) package(s) could not be read, see `hypermesh ext list`"
            }
            throw ExtensionError(.unknownExtension, extensionID: id, message)
        }
    }
}
