import Foundation

/// A deterministic discrete-event simulation of one rollout across a fleet, driven by the same
/// ``RolloutStateMachine``, ``WaveAssignment`` and ``PullPlanner`` the real nodes use.
///
/// Model: at time 0 the operator writes the record (`.prefetching`). Every node sees record
/// changes ``FleetSimulationConfig/watchDelay`` later and asks
/// ``RolloutStateMachine/action(labels:record:myWave:local:)`` what to do; a node that must
/// prefetch plans with ``PullPlanner`` (claiming registry slots in etcd, refused by busy peers,
/// timing out on dead ones, catching liars by digest). A coordinator runs
/// ``RolloutStateMachine/advance(_:nodes:now:)`` on the live nodes' last written progress after
/// every change that can matter and when a gate window ends. Transfers share the sender's upload
/// fairly, capped by the receiver's download.
///
/// Simplifications (not guaranteed to match a real fleet): a node reads etcd's current state
/// when its watch fires (so a view is never staler than the watch delay); asking a busy peer costs
/// one round trip, decided at once; health reports that leave a node's verdict, stage and
/// activation time unchanged do not wake the coordinator (they cannot change its answer); the
/// coordinator batches changes into 10 ms steps; a planning node reads a sample of
/// ``FleetSimulationConfig/advertSampleSize`` complete adverts; every simulated node is eligible.
public enum FleetSimulator {
    /// Runs `config` to convergence (or ``FleetSimulationConfig/maxSimulatedSeconds``).
    /// Throws `rollout.simulation_invalid`.
    public static func run(_ config: FleetSimulationConfig) throws(RolloutError) -> FleetSimulationReport {
        try config.validate()
        let engine = FleetSimulationEngine(config: config)
        return engine.run()
    }
}
