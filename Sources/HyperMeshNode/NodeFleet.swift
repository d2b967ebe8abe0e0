package import Foundation
import Hummingbird
import HyperMeshCLI
import HyperMeshFleet
import HyperMeshRegistry

/// Puts a node in its fleet (`serve --fleet-etcd`): the etcd client, the agent, and with a peer
/// token the peer store on `/v2/`.
enum NodeFleet {
    struct Joined {
        let service: NodeFleetService
        let peerStore: PeerStoreMiddleware<BasicRequestContext>?
    }

    static func join(options: FleetNodeOptions, distribution: DistributionOptions, listen: String?, runtime: NodeRuntime) async throws -> Joined {
        let configuration = try options.configuration(listen: listen)
        let token = try options.readToken()
        let stateDirectory = runtime.options.resolvedStateDirectory()
        let logger = runtime.logger
        let etcd = try EtcdClient(endpoints: options.endpoints, logger: logger)
        let verifier = try runtime.options.makeVerifier(logger: logger)
        let store = try await BlockingIO.run { () throws(RegistryError) in try PackageStore(stateDirectory: stateDirectory) }
        let registries = try RegistryAccess(
            insecureRegistries: Set(distribution.insecureRegistries), caBundles: try distribution.caBundles(),
            credentialsFile: RegistryAccess.credentialsFile(stateDirectory: stateDirectory),
            dockerConfig: distribution.resolvedDockerConfig(), logger: logger)
        let peers = PeerClients(token: token ?? "", logger: logger)
        let agent = FleetAgent(
            configuration: configuration, state: FleetState(etcd: etcd, keys: FleetKeys(prefix: options.prefix)),
            installer: PackageInstaller(store: store, verifier: verifier, hostABI: HostABI.version),
            peers: peers,
            registrySource: { reference in RegistryEndpoint(client: registries.registryClient, registry: reference.registry) },
            host: NodeFleetHost(runtime: runtime), logger: logger)
        let serving = configuration.endpoint.map { "serving its store to peers at \($0)/v2/" } ?? "not serving peers"
        logger.notice("fleet: node \(configuration.nodeID) joins \(options.endpoints.joined(separator: ",")) (prefix \(options.prefix)); \(serving)")
        return Joined(service: NodeFleetService(agent: agent, etcd: etcd, peers: peers, registries: registries),
                      peerStore: token.map { PeerStoreMiddleware(layout: store.layout, token: $0) })
    }
}
