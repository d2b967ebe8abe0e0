import Foundation
import HyperMeshConsensusFunctions
import HyperMeshExtensions
import HyperMeshState
import Logging
import Metrics

/// One command's view of the host: a ``HyperMeshHost`` opened from the command's options (the
/// state store, the discovery pass over the search paths with every package verified against the
/// trust store, every usable package registered, nothing loaded yet). The CLI and the node embed
/// the host like any app; the extra they keep is the bookkeeping of problems found at the start.
package struct HostSession {
    package let host: HyperMeshHost
    package let logger: Logger
    /// Discovery problems plus packages that could not be registered, as found at the start. A
    /// node with `--watch` may register one of them later: see ``problems(now:)``.
    package var problems: [DiscoveryProblem] { host.problems }
    /// The extensions registered at the start.
    package let registeredAtStart: Set<String>

    /// The registry under the host, for what the host does not offer itself (resolution graphs).
    package var registry: ExtensionRegistry { host.registry }

    package static func open(_ options: HostOptions, metricsFactory: any MetricsFactory = MetricsSystem.factory) async throws -> HostSession {
        let stateDirectory = options.resolvedStateDirectory()
        let logger = options.makeLogger()
        // Progress of long work (fuel calibration, plot growth) goes to this console's stderr.
        let console = Console.current
        let trustStore = options.resolvedTrustStore()
        let configuration = HyperMeshHost.Configuration(
            stateDirectory: stateDirectory, searchPaths: options.searchPaths(),
            trust: options.allowUnsigned ? .allowUnsigned(store: trustStore) : .store(trustStore),
            // Read here so a damaged file is reported as the policy's fault (`security.policy_invalid`).
            policy: .value(try options.loadPolicy()),
            logger: logger, metricsFactory: metricsFactory,
            hostFunctions: [.consensus(LazyNodeConsensus(stateDirectory: stateDirectory) { [console] in console.err($0) })],
            outboundHTTP: OutboundHTTPSettings(additionalCABundles: options.caBundles.map { URL(fileURLWithPath: $0) }),
            onWasmFuelCalibration: WasmFuelCalibrationLines.printer(to: console))
        let host = try await HyperMeshHost(configuration: configuration)
        return HostSession(host: host, logger: logger, registeredAtStart: Set(await host.registry.registeredIDs))
    }

    /// The start's problems, less those of extensions registered since (a broken package fixed
    /// and picked up by `serve --watch`). A problem beside a registered copy (a duplicate) stays.
    package func problems(now registered: [String]) -> [DiscoveryProblem] {
        problems.filter { problem in
            guard let id = problem.error.extensionID else { return true }
            return registeredAtStart.contains(id) || !registered.contains(id)
        }
    }

    /// Throws the package problem of `id` if there is one (unless the extension was registered
    /// since the start), and otherwise checks that `id` is registered; an unknown id mentions
    /// unreadable packages, since `id` may be one of them.
    package func requireUsable(_ id: String) async throws {
        let registered = await registry.registeredIDs
        if let problem = problems(now: registered).first(where: { $0.error.extensionID == id }) { throw problem.error }
        guard registered.contains(id) else {
            let unreadable = problems.filter { $0.error.extensionID == nil }.count
            var message = "no extension with this id was found on the search paths"
            message += " (\(host.searchedPaths.map(\.path).joined(separator: ", ")))"
            if unreadable > 0 {
                message += "; \(unreadable) package(s) could not be read, see `hypermesh ext list`"
            }
            throw ExtensionError(.unknownExtension, extensionID: id, message)
        }
    }
}
