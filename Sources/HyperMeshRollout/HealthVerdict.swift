/// What a ``HealthGate`` says of one node.
public enum HealthVerdict: Sendable, Hashable {
    case healthy
    /// `reason` names the node and the cause, e.g. `node n3: error rate 12% over 50 calls exceeds 5%`.
    case unhealthy(reason: String)

    public var isHealthy: Bool { self == .healthy }
}
