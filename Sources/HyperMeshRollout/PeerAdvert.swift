/// A node's statement that it has, or is fetching, a package (in the real fleet: a key under the
/// node's lease, so it vanishes with the node).
public struct PeerAdvert: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        /// The whole package is in the node's store, verified; the node serves it.
        case complete
        /// The node is fetching it.
        case pulling
    }

    public var nodeID: String
    /// Where the node serves packages (e.g. `http://10.0.0.7:7070`).
    public var endpoint: String
    public var state: State
    /// The node's zone label, when it has one.
    public var zone: String?

    public init(nodeID: String, endpoint: String, state: State, zone: String? = nil) {
        self.nodeID = nodeID
        self.endpoint = endpoint
        self.state = state
        self.zone = zone
    }
}
