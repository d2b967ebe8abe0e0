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
        self.init(reported: reported, detail: detail, metrics: metrics)
    }

    /// The health of an instance: its own report, or `unhealthy` with the error as the detail when
    /// its health entry failed (a non-OK status, a trap, a worker that died). While calls fill
    /// every slot of the instance, its health entry is not asked (it would wait behind them): the
    /// status then comes from the call metrics alone, and ``detail`` says so.
    init(of instance: ExtensionInstance, metrics: ExtensionMetrics.Snapshot) {
        do throws(ExtensionError) {
            switch try instance.reportedHealthIfIdle() {
            case .reported(let json):
                self.init(reportedJSON: json, metrics: metrics)
            case .busy:
                self.init(reported: nil, detail: Self.busyDetail, metrics: metrics)
            }
        } catch {
            self.init(reported: .unhealthy, detail: "the health check failed: \(error.description)", metrics: metrics)
        }
    }

    /// The ``detail`` of a health taken while the extension was busy with calls.
    public static let busyDetail = "not asked: every call slot is busy (the health entry runs between calls); status from the call metrics"

    private init(reported: Status?, detail: String?, metrics: ExtensionMetrics.Snapshot) {
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
