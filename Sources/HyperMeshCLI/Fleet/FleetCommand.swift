import ArgumentParser

/// `hypermesh fleet …`: rollouts across the nodes of a fleet, their status, and the simulator.
public struct FleetCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "Roll a version out across a fleet of nodes (etcd), watch it, pause, resume or abort it; simulate a fleet.",
        discussion: """
            A fleet is nodes started with `hypermesh serve --fleet-etcd URL` (docs/fleet.md). Its
            state is in etcd: each node under a lease, one rollout record per extension, each
            node's progress. These commands read and write that state; the nodes do the work:
            every node prefetches and verifies the new version, then the nodes activate wave by
            wave, each wave held for the health window, and an unhealthy wave rolls the whole
            fleet back to the previous version from the nodes' stores.
            """,
        subcommands: [FleetRollout.self, FleetStatus.self, FleetNodes.self, FleetPause.self, FleetResume.self, FleetAbort.self, FleetSimulate.self])

    public init() {}
}
