import HyperMeshSecurity
import Metrics

/// One extension's outbound HTTP traffic: every chunk sent or received asks it first. It takes the
/// bytes from the network quota (``SecurityContext/takeNetworkBytes(_:)``), paces them to the
/// `networkBytesPerSecond` quota (a ``BandwidthPacer`` shared by all the extension's requests), and
/// counts them in `hypermesh_extension_network_sent_bytes_total` and
/// `hypermesh_extension_network_received_bytes_total` (dimension `extension`).
final class ExtensionTraffic: Sendable {
    enum Direction: Sendable { case sent, received }

    /// What ``take(_:_:now:)`` allows.
    struct Allowance: Sendable, Equatable {
        /// Bytes taken from the quota: all that were asked for, or fewer when the quota ran out.
        let granted: Int
        /// Nanoseconds to wait before moving them (the bandwidth quota).
        let waitNanoseconds: UInt64
    }

    private let security: SecurityContext
    private let pacer: BandwidthPacer?
    private let sentBytes: Counter
    private let receivedBytes: Counter

    init(security: SecurityContext, metricsFactory: any MetricsFactory) {
        self.security = security
        self.pacer = security.quotas.networkBytesPerSecond.map { BandwidthPacer(bytesPerSecond: $0) }
        let dimensions = [("extension", security.extensionID)]
        sentBytes = Counter(label: MetricFamily.networkSentBytes.name, dimensions: dimensions, factory: metricsFactory)
        receivedBytes = Counter(label: MetricFamily.networkReceivedBytes.name, dimensions: dimensions, factory: metricsFactory)
    }

    var bytesPerSecond: UInt64? { pacer?.bytesPerSecond }

    /// Takes `bytes` going in `direction` at `now` (monotonic nanoseconds).
    func take(_ bytes: Int, _ direction: Direction, now: UInt64 = MonotonicTime.nanoseconds()) -> Allowance {
        guard bytes > 0 else { return Allowance(granted: 0, waitNanoseconds: 0) }
        let granted = Int(security.takeNetworkBytes(UInt64(bytes)))
        if granted > 0 {
            switch direction {
            case .sent: sentBytes.increment(by: Int64(granted))
            case .received: receivedBytes.increment(by: Int64(granted))
            }
        }
        let wait = granted == bytes ? (pacer?.reserve(UInt64(bytes), now: now) ?? 0) : 0
        return Allowance(granted: granted, waitNanoseconds: wait)
    }
}
