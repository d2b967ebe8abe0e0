/// What a node should do next in a rollout (see ``RolloutStateMachine/action(nodeID:labels:record:nodes:local:)``).
public enum NodeAction: Sendable, Hashable {
    /// Nothing to do.
    case none
    /// Fetch the package (``RolloutRecord/reference``) into the store, then report `prefetched`.
    case prefetch
    /// Activate the stored package, then report `active`.
    case activate
    /// Go back to ``RolloutRecord/previousVersion`` from the store (deactivate when there is
    /// none), then report `rolledBack`.
    case rollBack
}
