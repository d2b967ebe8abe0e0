/// How a node takes part in its fleet (`hypermesh serve --fleet-etcd …`).
public struct FleetAgentConfiguration: Sendable {
    /// The node's id in the fleet: 1–128 characters of `A–Z a–z 0–9 . _ -` (``FleetKeys/isValidName(_:)``).
    public var nodeID: String
    /// The node's labels (`region=eu`, `zone=a`, …); a rollout's selector matches them. The `zone`
    /// label is the peer-selection locality: peers in the same zone are asked first.
    public var labels: [String: String]
    /// The node's TCP endpoint (`http://host:port`) where its peers read its store; nil: the node
    /// does not serve peers (it still pulls from them).
    public var endpoint: String?
    /// The lease that keeps the node's keys (default 10 s): a node silent for longer is forgotten.
    public var leaseTTLSeconds: Int = 10
    /// How often the node reconciles when etcd says nothing (default 1 s); a watch event wakes it sooner.
    public var reconcileInterval: Duration = .seconds(1)
    /// How many nodes may pull one package from the registry at once (default 2).
    public var registrySlots: Int = 2
    /// How long a node waits for peers that are pulling before it goes to the registry itself (default 10 s).
    public var peerWaitSeconds: Double = 10
    /// The longest a pull may take, peers and registry together (default 10 minutes).
    public var pullTimeLimit: Duration = .seconds(600)

    public var zone: String? { labels["zone"] }

    public init(nodeID: String, labels: [String: String] = [:], endpoint: String? = nil) {
        self.nodeID = nodeID
        self.labels = labels
        self.endpoint = endpoint
    }

    /// Checks the node id and the labels (names and values as node ids are).
    public func validate() throws(FleetError) {
        guard FleetKeys.isValidName(nodeID) else {
            throw FleetError(.configurationInvalid, subject: "node id \(nodeID)", "a node id is 1-128 characters of A-Z a-z 0-9 . _ -")
        }
        for (name, value) in labels where !FleetKeys.isValidName(name) || !FleetKeys.isValidName(value) {
            throw FleetError(.configurationInvalid, subject: "label \(name)=\(value)", "label names and values are 1-128 characters of A-Z a-z 0-9 . _ -")
        }
        guard leaseTTLSeconds >= 2 else {
            throw FleetError(.configurationInvalid, subject: "lease TTL", "the lease must last at least 2 seconds")
        }
    }
}
