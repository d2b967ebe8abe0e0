package import Foundation
import Hummingbird
import HyperMeshCLI
import HyperMeshExtensions
import HyperMeshNodeClient
import Logging
import ServiceLifecycle

/// Runs a node: the admin API on its endpoint, the extensions active, until SIGTERM or SIGINT.
///
/// Shutdown, in order: stop taking calls (new calls get `node.shutting_down`) and stop accepting
/// connections; let requests in flight finish, for at most `drainTimeout`; deactivate every
/// extension in reverse dependency order and unload it; flush and close the audit log. A second
/// signal during shutdown exits at once (status 130): what was durable stays durable (security
/// records are committed before the act they record), queued lifecycle records may be lost.
struct NodeServer {
    let runtime: NodeRuntime
    let endpoint: NodeEndpoint
    let token: String?
    let metrics: NodeMetrics
    let drainTimeout: Duration
    /// The fleet's peers read this node's store on `/v2/` (with the peer token); nil: no `/v2/` route.
    var peerStore: PeerStoreMiddleware<BasicRequestContext>? = nil
    /// The fleet agent, run in the service group (stopped before the server drains).
    var fleetService: NodeFleetService? = nil

    /// The admin API's router: the operations generated from docs/node-api.yaml (``NodeAPI``)
    /// behind, in this order, the JSON errors (and 405s), the body limit (a body over its route's
    /// limit is refused before it is read and before the token is checked), then the token.
    /// With `tracing`, a span per request (Hummingbird's `TracingMiddleware`, on the bootstrapped
    /// tracer) comes first, so that the calls a request makes are its children.
    static func router(runtime: NodeRuntime, metrics: NodeMetrics, token: String?, tracing: Bool = false,
                       peerStore: PeerStoreMiddleware<BasicRequestContext>? = nil) throws -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        if tracing { router.middlewares.add(TracingMiddleware()) }
        // `/v2/` is answered by the peer store with its own token; every other path goes on.
        if let peerStore { router.middlewares.add(peerStore) }
        let routes = NodeRouteTable()
        router.middlewares.add(NodeErrorMiddleware(routes: routes))
        router.middlewares.add(NodeBodyLimitMiddleware())
        router.middlewares.add(NodeAuthMiddleware(token: token))
        try NodeAPI(node: runtime, metrics: metrics).registerHandlers(
            on: NodeRecordingTransport(router: router, table: routes),
            // Compact JSON with sorted keys (the generator's default also pretty-prints).
            configuration: .init(jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]),
            middlewares: [NodeStrictJSONBody()])
        return router
    }

    /// Runs the server, the extensions and, with `--watch`, the package watcher in one
    /// ServiceGroup until SIGTERM or SIGINT (see the type's documentation).
    func run(watcher: PackageWatcher? = nil, tracingExporter: (any Service)? = nil, onReady: @escaping @Sendable () -> Void = {}) async throws {
        let router = try Self.router(runtime: runtime, metrics: metrics, token: token, tracing: tracingExporter != nil, peerStore: peerStore)
        let address: BindAddress = switch endpoint {
        case .unixSocket(let path): .unixDomainSocket(path: path)
        case .tcp(let host, let port): .hostname(host, port: port)
        }
        if case .unixSocket(let path) = endpoint { try await Self.prepareSocketPath(path) }
        // bind creates the socket file with the process umask: owner only from the start (a chmod
        // afterwards leaves a moment in which others may connect, and keep that connection). The
        // umask is the process's: 077 leaves folders created meanwhile usable by their owner.
        let previousUmask: mode_t? = if case .unixSocket = endpoint { umask(0o077) } else { nil }
        defer { if let previousUmask { umask(previousUmask) } }
        let logger = runtime.logger
        let app = Application(
            router: router, configuration: ApplicationConfiguration(address: address, serverName: "hypermesh"),
            onServerRunning: { _ in
                if case .unixSocket(let path) = endpoint { chmod(path, 0o600) }
                if let previousUmask { umask(previousUmask) }
                onReady()
            },
            logger: logger)
        // The group stops its services in reverse order, each once the one after it has returned:
        // first the node is marked stopping (new calls get node.shutting_down), then the server
        // drains, then the watcher stops, last the extensions are deactivated and the audit log closed.
        // The span exporter stops last, after the extensions: it flushes the spans of the shutdown.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = tracingExporter.map { [.init(service: $0)] } ?? []
        services.append(.init(service: NodeExtensionsService(runtime: runtime)))
        if let watcher { services.append(.init(service: watcher)) }
        services.append(.init(service: app))
        if let fleetService { services.append(.init(service: fleetService)) }
        services.append(.init(service: NodeStoppingService(runtime: runtime)))
        var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = drainTimeout
        // No limit on cancellation: a native call still running after the drain timeout cannot be
        // interrupted, and the extensions are deactivated (and the audit log flushed) once it returns.
        // A limit would end the process with a fatal error (SIGILL) instead, losing queued audit
        // records and leaving the socket file behind. A second signal still exits at once.
        configuration.maximumCancellationDuration = nil
        let group = ServiceGroup(configuration: configuration)
        let secondSignal = Task { await NodeSignals.exitOnSecondSignal(logger: logger) }
        defer { secondSignal.cancel() }
        try await group.run()
        if case .unixSocket(let path) = endpoint { unlink(path) }
    }

    /// Removes a stale socket file (from a node that did not stop cleanly); refuses if another node
    /// answers on it.
    static func prepareSocketPath(_ path: String) async throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        if await NodeAPIClient.isReachable(.unixSocket(path: path)) {
            throw NodeServerError(message: "another node is already listening on \(path)")
        }
        unlink(path)
    }
}

struct NodeServerError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Keeps the extensions for the life of the node: waits for the graceful shutdown, then (after the
/// HTTP server, which the service group stops first, has drained) deactivates and unloads them and
/// flushes the audit log.
struct NodeExtensionsService: Service {
    let runtime: NodeRuntime

    func run() async throws {
        try? await gracefulShutdown()
        await runtime.stop()
    }
}

/// The first service the group stops: marks the node stopping as soon as the graceful shutdown
/// begins, before the server drains, so that calls arriving meanwhile are refused with
/// `node.shutting_down` (and `--watch` leaves changed packages alone).
struct NodeStoppingService: Service {
    let runtime: NodeRuntime

    func run() async throws {
        try? await gracefulShutdown()
        runtime.markStopping()
    }
}
