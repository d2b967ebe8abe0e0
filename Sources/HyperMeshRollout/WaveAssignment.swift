/// Which wave each eligible node belongs to in a rollout, computed the same way by every node and
/// by the coordinator without talking to each other.
///
/// A node's position is ``position(rolloutID:nodeID:)``: ``StableHash`` of `"<rolloutID>/<nodeID>"`
/// mapped to [0, 1). The eligible nodes are ranked by position (ties by node id); the node of rank
/// r among N is in the first wave i with r < ceil(shares[i] / 100 × N). So a fleet of any size has
/// a canary (ceil never gives 0 for a positive share) and a 1 % wave of 1,000 nodes has 10 nodes.
///
/// Not guaranteed: that a node keeps its wave when the eligible set changes (a node joining or
/// leaving shifts the ranks, which can move a node at a wave boundary by one wave); positions
/// themselves never change. Different rollouts put different nodes first.
public enum WaveAssignment {
    /// The position of `nodeID` in rollout `rolloutID`, in [0, 1).
    public static func position(rolloutID: String, nodeID: String) -> Double {
        StableHash.unitInterval(StableHash.hash(rolloutID + "/" + nodeID))
    }

    /// The wave (0-based) of every eligible node. Duplicate ids count once.
    public static func waves(rolloutID: String, eligible nodeIDs: [String], shares: WaveShares) -> [String: Int] {
        let unique = Array(Set(nodeIDs))
        let ranked = unique
            .map { (position: position(rolloutID: rolloutID, nodeID: $0), id: $0) }
            .sorted { $0.position != $1.position ? $0.position < $1.position : $0.id < $1.id }
        let limits = waveLimits(nodeCount: ranked.count, shares: shares)
        var result: [String: Int] = [:]
        result.reserveCapacity(ranked.count)
        var wave = 0
        for (rank, entry) in ranked.enumerated() {
            while wave < limits.count - 1, rank >= limits[wave] { wave += 1 }
            result[entry.id] = wave
        }
        return result
    }

    /// The cumulative node count after each wave: ceil(share / 100 × nodeCount).
    public static func waveLimits(nodeCount: Int, shares: WaveShares) -> [Int] {
        shares.percentages.map { share in
            let exact = share * Double(nodeCount) / 100
            return min(nodeCount, Int(exact.rounded(.up)))
        }
    }
}
