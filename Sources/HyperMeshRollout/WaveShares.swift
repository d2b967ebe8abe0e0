import Foundation

/// The cumulative share of the eligible nodes that runs the new version after each wave, in
/// percent: `1%,10%,50%,100%` means 1 % of the nodes first (the canary wave), then up to 10 %,
/// then half, then all.
///
/// Rules: at least one share; every share in (0, 100]; strictly ascending; the last is 100.
/// Codable as a JSON array of numbers (`[1,10,50,100]`), validated on decoding. Default:
/// ``standard`` (1, 10, 50, 100). Not guaranteed: that a wave is non-empty (a 1 % wave of a
/// 30-node fleet still gets one node, see ``WaveAssignment``, but a later wave may add nobody).
public struct WaveShares: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The cumulative percentages, ascending, the last 100.
    public let percentages: [Double]

    /// 1 %, 10 %, 50 %, 100 %.
    public static let standard = try! WaveShares([1, 10, 50, 100])

    /// Validates `percentages`; throws `rollout.waves_invalid`.
    public init(_ percentages: [Double]) throws(RolloutError) {
        guard !percentages.isEmpty else {
            throw RolloutError(.wavesInvalid, subject: nil, "a rollout needs at least one wave (e.g. 100%)")
        }
        var previous = 0.0
        for share in percentages {
            guard share.isFinite, share > 0, share <= 100 else {
                throw RolloutError(.wavesInvalid, subject: nil, "wave share \(Self.format(share))% is not in (0, 100]")
            }
            guard share > previous else {
                throw RolloutError(.wavesInvalid, subject: nil, "wave shares must be strictly ascending: \(Self.format(share))% follows \(Self.format(previous))%")
            }
            previous = share
        }
        guard percentages.last == 100 else {
            throw RolloutError(.wavesInvalid, subject: nil, "the last wave must be 100%, not \(Self.format(previous))%")
        }
        self.percentages = percentages
    }

    /// Parses `1%,10%,50%,100%` (the `%` is optional, spaces around items are ignored).
    public init(parsing text: String) throws(RolloutError) {
        var values: [Double] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            var token = item.trimmingCharacters(in: .whitespaces)
            if token.hasSuffix("%") { token.removeLast() }
            guard let value = Double(token), value.isFinite else {
                throw RolloutError(.wavesInvalid, subject: nil, "'\(item)' in '\(text)' is not a percentage (expected e.g. 1%,10%,50%,100%)")
            }
            values.append(value)
        }
        try self.init(values)
    }

    /// The number of waves.
    public var count: Int { percentages.count }

    /// `1%,10%,50%,100%`; parsing it gives back an equal value.
    public var description: String { percentages.map { Self.format($0) + "%" }.joined(separator: ",") }

    public init(from decoder: any Decoder) throws {
        let values = try decoder.singleValueContainer().decode([Double].self)
        do {
            try self.init(values)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message, underlyingError: error))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(percentages)
    }

    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
