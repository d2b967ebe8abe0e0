extension RolloutStateMachine {
    /// What node `nodeID` should do next. Its wave is computed over the eligible nodes among
    /// `nodes` plus itself (see ``WaveAssignment``).
    ///
    /// - not eligible → `.none`;
    /// - `.rolledBack`, `.aborted` → `.rollBack` when the node runs the rollout's digest, else `.none`;
    /// - a digest in `failedDigests` → `.none` (the failure is reported, not retried);
    /// - not stored → `.prefetch` (also while paused);
    /// - `.wave(k)` with the node's wave ≤ k, not paused, or `.complete` (late joiners converge),
    ///   and the node not already running the digest → `.activate`;
    /// - otherwise `.none`.
    public static func action(nodeID: String, labels: [String: String], record: RolloutRecord,
                              nodes: [NodeObservation], local: NodeLocalState) -> NodeAction {
        guard record.isEligible(labels: labels) else { return .none }
        var eligibleIDs = nodes.filter { record.isEligible(labels: $0.labels) }.map(\.nodeID)
        eligibleIDs.append(nodeID)
        let wave = WaveAssignment.waves(rolloutID: record.id, eligible: eligibleIDs, shares: record.waves)[nodeID] ?? Int.max
        return action(labels: labels, record: record, myWave: wave, local: local)
    }

    /// As ``action(nodeID:labels:record:nodes:local:)`` with the node's wave already known (a
    /// fleet-wide caller computes ``WaveAssignment/waves(rolloutID:eligible:shares:)`` once).
    public static func action(labels: [String: String], record: RolloutRecord, myWave: Int, local: NodeLocalState) -> NodeAction {
        guard record.isEligible(labels: labels) else { return .none }
        switch record.phase {
        case .rolledBack, .aborted:
            return local.activeDigest == record.digest ? .rollBack : .none
        case .prefetching, .wave, .complete:
            break
        }
        if local.failedDigests.contains(record.digest) { return .none }
        if !local.storedDigests.contains(record.digest) { return .prefetch }
        if local.activeDigest == record.digest { return .none }
        switch record.phase {
        case .wave(let k):
            return !record.paused && myWave <= k ? .activate : .none
        case .complete:
            return .activate
        default:
            return .none
        }
    }
}
