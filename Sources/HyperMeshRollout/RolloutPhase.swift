/// Where a rollout stands. Codable as `{"name":"prefetching"}`, `{"name":"wave","wave":1}`
/// (the wave 0-based), `{"name":"complete"}`, `{"name":"rolledBack"}`, `{"name":"aborted"}`.
public enum RolloutPhase: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Every eligible node fetches the package into its store; nothing is activated yet.
    case prefetching
    /// Nodes of waves 0...k run the new version; the health gate watches them.
    case wave(Int)
    /// Every eligible node runs the new version; late joiners converge on it.
    case complete
    /// A node failed or broke the health gate: nodes running the new version go back to the
    /// previous one.
    case rolledBack
    /// The operator stopped the rollout; nodes treat it like a rollback.
    case aborted

    /// Complete, rolled back or aborted: no transition leaves a final phase.
    public var isFinal: Bool {
        switch self {
        case .complete, .rolledBack, .aborted: true
        case .prefetching, .wave: false
        }
    }

    /// `prefetching`, `wave 2 of 4` (1-based for people), `complete`, `rolled back`, `aborted`.
    public func describe(waveCount: Int) -> String {
        switch self {
        case .wave(let index): "wave \(index + 1) of \(waveCount)"
        default: description
        }
    }

    /// As ``describe(waveCount:)`` without the count: `wave 2` for `.wave(1)`.
    public var description: String {
        switch self {
        case .prefetching: "prefetching"
        case .wave(let index): "wave \(index + 1)"
        case .complete: "complete"
        case .rolledBack: "rolled back"
        case .aborted: "aborted"
        }
    }

    private enum CodingKeys: String, CodingKey { case name, wave }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .name)
        switch name {
        case "prefetching": self = .prefetching
        case "wave":
            let index = try container.decode(Int.self, forKey: .wave)
            guard index >= 0 else {
                throw DecodingError.dataCorruptedError(forKey: .wave, in: container, debugDescription: "wave index \(index) is negative")
            }
            self = .wave(index)
        case "complete": self = .complete
        case "rolledBack": self = .rolledBack
        case "aborted": self = .aborted
        default:
            throw DecodingError.dataCorruptedError(forKey: .name, in: container, debugDescription: "unknown rollout phase '\(name)'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .prefetching: try container.encode("prefetching", forKey: .name)
        case .wave(let index):
            try container.encode("wave", forKey: .name)
            try container.encode(index, forKey: .wave)
        case .complete: try container.encode("complete", forKey: .name)
        case .rolledBack: try container.encode("rolledBack", forKey: .name)
        case .aborted: try container.encode("aborted", forKey: .name)
        }
    }
}
