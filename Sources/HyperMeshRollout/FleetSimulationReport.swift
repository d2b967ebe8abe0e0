/// What a ``FleetSimulator`` run measured, in simulated seconds from the moment the rollout record
/// is written. The same configuration (seed included) gives an equal report. Wall-clock time is
/// not included: the caller measures it.
public struct FleetSimulationReport: Sendable, Hashable, Codable {
    public var nodes: Int
    /// Nodes not crashed at the end (cut-off nodes count as live).
    public var liveNodes: Int
    /// Until every live eligible node runs the new version — or, when the rollout ended rolled back
    /// or aborted, the previous one. Nil when that did not happen before ``FleetSimulationConfig/maxSimulatedSeconds``.
    public var convergenceSeconds: Double?
    /// Until every live eligible node held the package in its store; nil if never.
    public var prefetchCompleteSeconds: Double?
    /// Until the record reached a final phase; nil if never.
    public var finalPhaseSeconds: Double?
    public var finalPhase: RolloutPhase
    /// The record's reason (why it rolled back).
    public var reason: String?
    /// Bytes the registry sent, failed transfers included.
    public var registryBytesServed: Int64
    /// ``registryBytesServed`` / package size.
    public var registryCopies: Double
    /// Bytes nodes sent to each other, corrupt and failed transfers included.
    public var peerBytesServed: Int64
    /// The most bytes one node uploaded.
    public var peakNodeUploadBytes: Int64
    /// When the first unhealthy report reached etcd; nil if none.
    public var firstUnhealthyReportSeconds: Double?
    /// From the first unhealthy report to every live eligible node running the previous version;
    /// nil when the rollout did not roll back after an unhealthy report.
    public var rollbackSeconds: Double?
    public var nodesActiveOnNew: Int
    public var nodesActiveOnOld: Int
    /// Distinct lying peers that at least one node caught (and then avoided).
    public var lyingPeersDetected: Int
    /// Transfers whose bytes did not match the digest.
    public var corruptTransfers: Int
    /// Transfers that failed (peer crashed or cut off, registry outage).
    public var failedTransfers: Int
    public var eventsProcessed: Int
    /// Simulated time when the run stopped.
    public var simulatedSeconds: Double
}
