import Foundation
import HyperMeshConsensusFunctions
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
    /// Discovery problems plus packages that could not be registered, as found at the start. A
    /// node with `--watch` may register one of them later: see ``problems(now:)``.
    let problems: [DiscoveryProblem]
    /// The extensions registered at the start.
    let registeredAtStart: Set<String>

    static func open(_ options: HostOptions, metricsFactory: any MetricsFactory = MetricsSystem.factory) async throws -> HostSession {
        let stateDirectory = options.resolvedStateDirectory()
        let store = try StateStore(directory: stateDirectory)
        let logger = options.makeLogger()
        let audit = SecurityAudit(log: try options.openAudit(), logger: logger)
        let registry = ExtensionRegistry(
            stateStore: store, policy: try options.loadPolicy(), audit: audit,
            hostFunctions: [.consensus(LazyNodeConsensus(stateDirectory: stateDirectory))], logger: logger, metricsFactory: metricsFactory)
        let verifier = try options.makeVerifier(logger: logger)
        let discovery = await ExtensionDiscovery.discover(in: SearchPaths.resolve(explicit: options.paths), verifier: verifier)
        let problems = await registry.registerAll(discovery)
        return HostSession(registry: registry, logger: logger, discovery: discovery, problems: problems,
                           registeredAtStart: Set(await registry.registeredIDs))
    }

    /// The start's problems, less those of extensions registered since (a broken package fixed
    /// and picked up by `serve --watch`). A problem beside a registered copy (a duplicate) stays.
    func problems(now registered: [String]) -> [DiscoveryProblem] {
        problems.filter { problem in
            guard let id = problem.error.extensionID else { return true }
            return registeredAtStart.contains(id) || !registered.contains(id)
        }
    }

    /// Throws the package problem of `id` if there is one (unless the extension was registered
    /// since the start), and otherwise checks that `id` is registered; an unknown id mentions
    /// unreadable packages, since `id` may be one of them.
    func requireUsable(_ id: String) async throws {
        let registered = await registry.registeredIDs
        if let problem = problems(now: registered).first(where: { $0.error.extensionID == id }) { throw problem.error }
        guard registered.contains(id) else {
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
