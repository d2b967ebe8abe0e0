import Foundation

/// How an extension is doing: what it says about itself, and what the host saw.
///
/// The overall ``status`` is the worse of the two. Host-observed rules (defaults): with at least
/// 10 calls, an error rate over 10% is `degraded` and over 50% is `unhealthy`. An extension that
/// reports nothing (no `health` entry) counts as `healthy` on its side.
public struct ExtensionHealth: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, Comparable {
        case healthy, degraded, unhealthy, unknown

        private var rank: Int {
            switch self {
            case .healthy: return 0
            case .unknown: return 1
            case .degraded: return 2
            case .unhealthy: return 3
            }
        }
        public static func < (lhs: Status, rhs: Status) -> Bool { lhs.rank < rhs.rank }
    }

    public var status: Status
    /// What the extension reported (its `status`), or nil if it has no health entry.
    public var reported: Status?
    /// The extension's own detail text, if any.
    public var detail: String?
    public var observedErrorRate: Double
    public var observedCalls: Int

    /// Minimum calls before the error rate counts.
    public static let minimumCallsForErrorRate = 10

    public init(reportedJSON: [UInt8]?, metrics: ExtensionMetrics.Snapshot) {
        var reported: Status?
        var detail: String?
        if let reportedJSON {
            let object = (try? JSONSerialization.jsonObject(with: Data(reportedJSON))) as? [String: Any]
            reported = (object?["status"] as? String).flatMap(Status.init(rawValue:)) ?? .unknown
            detail = object?["detail"] as? String
        }
        var observed = Status.healthy
        if metrics.calls >= Self.minimumCallsForErrorRate {
            if metrics.errorRate > 0.5 { observed = .unhealthy } else if metrics.errorRate > 0.1 { observed = .degraded }
        }
        self.status = max(reported ?? .healthy, observed)
        self.reported = reported
        self.detail = detail
        self.observedErrorRate = metrics.errorRate
        self.observedCalls = metrics.calls
    }
}
