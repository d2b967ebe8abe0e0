import Foundation

/// What one node reports about one rollout (in the real fleet: a key under the node's lease).
///
/// `calls`, `errors` and `violations` count since activation. Codable with camelCase keys; dates
/// (`activeSince`, `updatedAt`) are seconds since 1970 as JSON numbers, whatever the encoder's
/// date strategy; `detail` and `activeSince` are left out when nil.
public struct NodeRolloutProgress: Sendable, Hashable, Codable {
    public var rolloutID: String
    public var nodeID: String
    public var stage: NodeRolloutStage
    /// The node's own health check of the new version (true before activation).
    public var healthy: Bool
    /// Why a stage failed or why the health check fails.
    public var detail: String?
    public var calls: Int
    public var errors: Int
    public var violations: Int
    public var activeSince: Date?
    public var updatedAt: Date

    public init(rolloutID: String, nodeID: String, stage: NodeRolloutStage, healthy: Bool = true, detail: String? = nil,
                calls: Int = 0, errors: Int = 0, violations: Int = 0, activeSince: Date? = nil, updatedAt: Date) {
        self.rolloutID = rolloutID
        self.nodeID = nodeID
        self.stage = stage
        self.healthy = healthy
        self.detail = detail
        self.calls = calls
        self.errors = errors
        self.violations = violations
        self.activeSince = activeSince
        self.updatedAt = updatedAt
    }

    /// errors / calls; 0 without calls.
    public var errorRate: Double { calls > 0 ? Double(errors) / Double(calls) : 0 }

    private enum CodingKeys: String, CodingKey {
        case rolloutID, nodeID, stage, healthy, detail, calls, errors, violations, activeSince, updatedAt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        rolloutID = try container.decode(String.self, forKey: .rolloutID)
        nodeID = try container.decode(String.self, forKey: .nodeID)
        stage = try container.decode(NodeRolloutStage.self, forKey: .stage)
        healthy = try container.decode(Bool.self, forKey: .healthy)
        detail = try container.decodeIfPresent(String.self, forKey: .detail)
        calls = try container.decode(Int.self, forKey: .calls)
        errors = try container.decode(Int.self, forKey: .errors)
        violations = try container.decode(Int.self, forKey: .violations)
        activeSince = try container.decodeIfPresent(Double.self, forKey: .activeSince).map { Date(timeIntervalSince1970: $0) }
        updatedAt = Date(timeIntervalSince1970: try container.decode(Double.self, forKey: .updatedAt))
        guard calls >= 0, errors >= 0, violations >= 0, errors <= calls else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "counters must be non-negative and errors <= calls"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rolloutID, forKey: .rolloutID)
        try container.encode(nodeID, forKey: .nodeID)
        try container.encode(stage, forKey: .stage)
        try container.encode(healthy, forKey: .healthy)
        try container.encodeIfPresent(detail, forKey: .detail)
        try container.encode(calls, forKey: .calls)
        try container.encode(errors, forKey: .errors)
        try container.encode(violations, forKey: .violations)
        try container.encodeIfPresent(activeSince?.timeIntervalSince1970, forKey: .activeSince)
        try container.encode(updatedAt.timeIntervalSince1970, forKey: .updatedAt)
    }
}
