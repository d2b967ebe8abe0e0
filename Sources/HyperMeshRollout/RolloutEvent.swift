import Foundation

/// One line of a rollout's history: when, the phase it entered (or stayed in, for pause and
/// resume), and why. Codable with `at` as seconds since 1970 (a JSON number), whatever the
/// encoder's date strategy.
public struct RolloutEvent: Sendable, Hashable, Codable {
    public var at: Date
    public var phase: RolloutPhase
    public var note: String

    public init(at: Date, phase: RolloutPhase, note: String) {
        self.at = at
        self.phase = phase
        self.note = note
    }

    private enum CodingKeys: String, CodingKey { case at, phase, note }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        at = Date(timeIntervalSince1970: try container.decode(Double.self, forKey: .at))
        phase = try container.decode(RolloutPhase.self, forKey: .phase)
        note = try container.decode(String.self, forKey: .note)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(at.timeIntervalSince1970, forKey: .at)
        try container.encode(phase, forKey: .phase)
        try container.encode(note, forKey: .note)
    }
}
