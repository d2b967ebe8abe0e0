import ArgumentParser
package import Foundation
import HyperMeshCLI
import HyperMeshRegistry
import HyperMeshExtensions
import HyperMeshNodeClient
import HyperMeshState
import Logging

/// `hypermesh serve`: a long-lived node that keeps its extensions active and serves the admin API.
public struct ServeCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run a node: keep the extensions active and serve the admin API until SIGTERM or SIGINT.",
        discussion: """
            Discovers and verifies the extensions on the search paths, activates every one the policy
            settles (in dependency order; one that fails is reported and the others go on), and serves
            the admin API (docs/node-api.yaml) on a Unix socket in the state dir (node.sock, mode 0600),
            or with --listen on HOST:PORT. Over TCP every request needs the token in the state dir's
            node.token (created with mode 0600 at the first start): Authorization: Bearer <token>.
            Binding an address that is not loopback also needs --allow-remote.

            --fleet-etcd joins a fleet: the node registers in etcd under a lease, follows the fleet's
            rollouts (prefetch, activate in its wave, roll back from the store), reports its health, and
            with --fleet-token-file serves its verified packages to its peers on /v2/ (docs/fleet.md).

            While a node runs, `hypermesh ext ...` and `hypermesh audit ...` act on it (through the
            default socket, or --node), with the same output as offline.

            SIGTERM or SIGINT: stop taking calls, let the requests in flight finish (at most
            --drain-timeout seconds), deactivate every extension in reverse dependency order, flush and
            close the audit log, exit 0. A second signal exits at once (status 130).

            --watch reloads an extension whose package folder changes (verified again, started beside
            the running version, canary health check, swapped while serving) and registers new
            packages; a package that fails verification or its canary leaves the running version.

            Metrics: GET /metrics (Prometheus text format). docs/node.md has more, and a systemd unit.
            """)

    @OptionGroup public var host: HostOptions
    @Option(help: ArgumentHelp("Serve on HOST:PORT over TCP instead of the state dir's Unix socket.", valueName: "host:port"))
    public var listen: String?
    @Flag(name: .customLong("allow-remote"), help: "Allow --listen on an address that is not loopback (the token is required either way over TCP).")
    public var allowRemote = false
    @Option(name: .customLong("drain-timeout"), help: "Seconds to let requests in flight finish at shutdown (default 10).")
    public var drainTimeout: Int = 10
    @Option(name: .customLong("otlp-endpoint"), help: ArgumentHelp(
        "Export spans (a node request, the call into the extension, each host function, the outbound HTTP requests) with OpenTelemetry over OTLP/HTTP to this URL, e.g. http://127.0.0.1:4318/v1/traces. Also on when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set (the OTEL_* variables apply). Default: no spans.",
        valueName: "url"))
    public var otlpEndpoint: String?
    @Flag(help: "Watch the search paths (inotify): reload an extension whose package changes, while it serves (with a canary), and register new packages.")
    public var watch = false
    @OptionGroup(title: "Fleet (docs/fleet.md)") var fleet: FleetNodeOptions
    @OptionGroup(title: "Registries (for fleet pulls)") var distribution: DistributionOptions

    public init() {}

    public func validate() throws {
        guard drainTimeout >= 0 else { throw ValidationError("--drain-timeout must be 0 or more seconds") }
        if let listen {
            let endpoint: NodeEndpoint
            do { endpoint = try NodeEndpoint(parsing: listen) } catch { throw ValidationError(error.description) }
            if !endpoint.isLocalOnly && !allowRemote {
                throw ValidationError("\(listen) is reachable from other machines: add --allow-remote to confirm (clients need the token in node.token)")
            }
        }
        try fleet.validate(listen: listen)
    }

    public func run() async throws {
        do {
            let state = host.resolvedStateDirectory()
            let endpoint = try listen.map { try NodeEndpoint(parsing: $0) } ?? .defaultSocket(stateDirectory: state)
            try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
            let token = try NodeToken.loadOrCreate(stateDirectory: state)
            let metrics = NodeMetrics()
            // Bootstrapped before the host opens, so that the host, the HTTP client and the
            // router's middleware all use it.
            let tracingExporter = try NodeTracing.bootstrap(endpoint: otlpEndpoint)
            let session = try await HostSession.open(host, metricsFactory: metrics.factory)
            let runtime = NodeRuntime(session: session, options: host)
            // What confines isolated extensions here, found by a probe worker (as `hypermesh doctor`).
            switch await DoctorCommand.probe() {
            case .success(let report):
                Console.current.out(DoctorCommand.summary(report))
                if report.routes.contains(where: { !$0.refused }) { session.logger.warning("\(DoctorCommand.summary(report))") }
            case .failure(let failure):
                session.logger.warning("isolation probe could not run: \(failure.description)")
            }
            for problem in session.problems {
                session.logger.warning("package not usable: \(problem.error.description)", metadata: ["directory": "\(problem.directory.path)"])
            }
            // One line per extension on stderr as it activates, before the ready line.
            let active = await runtime.activateAll { Console.current.err($0) }
            var server = NodeServer(runtime: runtime, endpoint: endpoint, token: endpoint.isUnixSocket ? nil : token,
                                    metrics: metrics, drainTimeout: .seconds(drainTimeout))
            if fleet.isEnabled {
                let joined = try await NodeFleet.join(options: fleet, distribution: distribution, listen: listen, runtime: runtime)
                server.peerStore = joined.peerStore
                server.fleetService = joined.service
            }
            let logger = session.logger
            var watcher: PackageWatcher?
            if watch {
                // installed/ is watched even before the first `ext install` creates it.
                try? FileManager.default.createDirectory(at: PackageStore.installedFolder(stateDirectory: host.resolvedStateDirectory()), withIntermediateDirectories: true)
                let searchPaths = host.searchPaths().filter { FileManager.default.fileExists(atPath: $0.path) }
                watcher = try PackageWatcher(searchPaths: searchPaths, logger: logger) { folders in
                    await NodeReload.apply(changedFolders: folders, on: runtime)
                }
                logger.notice("--watch: watching \(searchPaths.map(\.path).joined(separator: ", "))")
            }
            try await server.run(watcher: watcher, tracingExporter: tracingExporter) {
                // Once the server listens: a supervisor that waits for this line can connect.
                logger.notice("node ready on \(endpoint): \(active.count) extension(s) active", metadata: ["active": "\(active.joined(separator: ","))"])
                Console.current.out("hypermesh node on \(endpoint) — \(active.count) active: \(active.isEmpty ? "none" : active.joined(separator: ", "))")
                fflush(nil)
            }
            Console.current.out("hypermesh node stopped")
        } catch {
            throw CommandFailure.report(error, json: false)
        }
    }
}

extension NodeEndpoint {
    var isUnixSocket: Bool {
        if case .unixSocket = self { return true }
        return false
    }
}
