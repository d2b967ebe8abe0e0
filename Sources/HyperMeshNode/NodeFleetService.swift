import HyperMeshCLI
import HyperMeshFleet
import ServiceLifecycle

/// Runs the node's fleet agent in the node's service group; at the graceful shutdown the agent
/// stops (its lease is revoked, so the fleet forgets the node at once), then the etcd and peer
/// clients close.
struct NodeFleetService: Service {
    let agent: FleetAgent
    let etcd: EtcdClient
    let peers: PeerClients
    let registries: RegistryAccess

    func run() async throws {
        await cancelWhenGracefulShutdown { await agent.run() }
        await peers.shutdown()
        await registries.shutdown()
        try? await etcd.shutdown()
    }
}
