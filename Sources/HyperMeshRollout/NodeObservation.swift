/// One live node as the coordinator sees it: its labels and its progress in the rollout at hand
/// (nil before it reported anything). A node whose lease expired is simply absent.
public struct NodeObservation: Sendable, Hashable {
    public var nodeID: String
    public var labels: [String: String]
    public var progress: NodeRolloutProgress?

    public init(nodeID: String, labels: [String: String] = [:], progress: NodeRolloutProgress? = nil) {
        self.nodeID = nodeID
        self.labels = labels
        self.progress = progress
    }
}
