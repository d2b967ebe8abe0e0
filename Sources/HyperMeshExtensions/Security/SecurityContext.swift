import CHyperMeshABI
import HyperMeshAudit
import HyperMeshManifest
import HyperMeshSecurity
import Logging
import Metrics
import Synchronization

/// The one place that decides what an extension may do: its grant, its quotas and rate limits,
/// its violation count and anomaly baseline, and whether it is suspended. The host API broker
/// asks it before every host function; the call path asks it before every call and tells it what
/// the call used. Every denial and violation is written to the audit log (durably) before the
/// refused host call returns.
///
/// Created by the registry when the extension is loaded, from the manifest and the operator's
/// policy; lives as long as the loaded instance (so across suspension and resumption).
///
/// Metrics (swift-metrics): `hypermesh_violations_total` (dimensions `extension`, `kind`) and
/// `hypermesh_suspensions_total` (`extension`).
///
/// Not guaranteed: anything an in-process extension does without the host API (it shares the
/// host's process: its own syscalls, memory and threads are not seen here). See `docs/security.md`.
public final class SecurityContext: Sendable {
    public let extensionID: String
    /// SHA-256 fingerprint of the signer's certificate; nil for an unsigned package.
    public let signer: String?
    public let grant: CapabilityGrant
    /// The manifest's quotas with the operator's overrides.
    public let quotas: Quotas
    /// Hosts the manifest allows for the HTTP function.
    public let networkHosts: [String]
    public let anomalySettings: AnomalySettings
    let hostOperations: TokenBucket
    let callAdmission: TokenBucket
    let audit: SecurityAudit
    let logger: Logger
    let events: EventBus
    private let suspendedFlag = Atomic<Bool>(false)
    private let cpuUsed = Atomic<UInt64>(0)
    private let networkUsed = Atomic<UInt64>(0)
    private let droppedLogLines = Atomic<Int>(0)
    private let monitor: Mutex<SecurityMonitor>
    private let reactions = Mutex<SecurityReactions>(.none)
    private let metricsFactory: any MetricsFactory
    /// `hypermesh_suspensions_total{extension}`.
    private let suspensionsCounter: Counter
    /// `hypermesh_violations_total{extension,kind}`, each built at the first violation of its kind.
    private let violationCounters = Mutex<[ViolationKind: Counter]>([:])

    /// The operations per second used when neither manifest nor policy sets one.
    public static let defaultOperationsPerSecond: UInt32 = 100_000

    init(extensionID: String, signer: String?, grant: CapabilityGrant, quotas: Quotas, networkHosts: [String],
         anomaly: AnomalySettings, violations: ViolationSettings, audit: SecurityAudit, events: EventBus, logger: Logger,
         metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.metricsFactory = metricsFactory
        self.suspensionsCounter = Counter(label: MetricFamily.suspensions.name, dimensions: [("extension", extensionID)],
                                          factory: metricsFactory)
        self.extensionID = extensionID
        self.signer = signer
        self.grant = grant
        self.quotas = quotas
        self.networkHosts = networkHosts
        self.anomalySettings = anomaly
        let rate = UInt64(quotas.operationsPerSecond ?? Self.defaultOperationsPerSecond)
        self.hostOperations = TokenBucket(rate: rate)
        self.callAdmission = TokenBucket(rate: rate)
        self.audit = audit
        self.events = events
        var logger = logger
        logger[metadataKey: "extension"] = "\(extensionID)"
        self.logger = logger
        self.monitor = Mutex(SecurityMonitor(detector: AnomalyDetector(settings: anomaly), tracker: ViolationTracker(settings: violations)))
    }

    func install(_ reactions: SecurityReactions) {
        self.reactions.withLock { $0 = reactions }
    }

    public var isSuspended: Bool { suspendedFlag.load(ordering: .acquiring) }
    /// CPU time used by calls so far, in nanoseconds (thread CPU clock).
    public var cpuNanosecondsUsed: UInt64 { cpuUsed.load(ordering: .relaxed) }
    public var networkBytesUsed: UInt64 { networkUsed.load(ordering: .relaxed) }
    public var logLinesDropped: Int { droppedLogLines.load(ordering: .relaxed) }
    /// Violations recorded so far, per kind.
    public var violationTotals: [ViolationKind: Int] { monitor.withLock { $0.tracker.totals } }
    public var lastAnomaly: Anomaly? { monitor.withLock { $0.lastAnomaly } }

    // MARK: Host API

    /// Admits one host API operation needing `capability` (nil: none needed). Returns the
    /// refusal, already audited and counted as a violation, or nil to go ahead.
    func admitHostOperation(_ capability: Capability?) -> HostCallFailure? {
        if isSuspended {
            return HostCallFailure(HYPERMESH_ERR_UNAVAILABLE, "\(extensionID) is suspended; an operator must resume it (hypermesh ext resume \(extensionID))",
                                   isRefusal: true)
        }
        if let capability, !grant.granted.contains(capability) {
            let message = grant.refused.contains(capability)
                ? "the operator's policy refuses \(extensionID) the '\(capability.rawValue)' capability"
                : "\(extensionID) was not granted the '\(capability.rawValue)' capability"
                    + (grant.declared.contains(capability) ? "" : "; declare it in extension.json and ask the operator to grant it")
            return violation(.capabilityDenied, status: HYPERMESH_ERR_PERMISSION_DENIED, message,
                             details: ["capability": capability.rawValue])
        }
        if !hostOperations.tryAcquire() {
            return violation(.rateLimited, status: HYPERMESH_ERR_QUOTA_EXCEEDED,
                             "\(extensionID) passed its rate of \(hostOperations.rate) host operations per second",
                             details: ["rate": "\(hostOperations.rate)"])
        }
        return nil
    }

    /// Whether a log line may be written (log has no status to refuse with: over the rate, the
    /// line is dropped and counted).
    func admitLogLine() -> Bool {
        if isSuspended || !hostOperations.tryAcquire() {
            droppedLogLines.add(1, ordering: .relaxed)
            return false
        }
        return true
    }

    private func violationCounter(_ kind: ViolationKind) -> Counter {
        violationCounters.withLock { counters in
            if let counter = counters[kind] { return counter }
            let counter = Counter(label: MetricFamily.violations.name, dimensions: [("extension", extensionID), ("kind", kind.rawValue)],
                                  factory: metricsFactory)
            counters[kind] = counter
            return counter
        }
    }

    /// Records a violation: audit (durable), the violation window, maybe suspension. Returns the
    /// refusal to hand back to the extension.
    @discardableResult
    func violation(_ kind: ViolationKind, status: hypermesh_status, _ message: String, details: [String: String] = [:]) -> HostCallFailure {
        var details = details
        details["violation"] = kind.rawValue
        audit.record(kind == .capabilityDenied || kind == .pathEscape || kind == .networkHostDenied || kind == .networkAddressDenied ? .denial : .violation,
                     extensionID, message, details: details)
        logger.warning("security: \(message)", metadata: ["violation": "\(kind.rawValue)"])
        violationCounter(kind).increment()
        let verdict = monitor.withLock { $0.tracker.record(kind, at: Double(MonotonicTime.nanoseconds()) / 1e9) }
        if case .thresholdPassed(let count, let threshold) = verdict {
            let window = monitor.withLock { $0.tracker.settings.windowSeconds }
            suspend(reason: "\(count) '\(kind.rawValue)' violations within \(Int(window)) s (threshold \(threshold))")
        }
        return HostCallFailure(status, message, isRefusal: true)
    }

    /// Reserves `bytes` of the network quota; false (nothing reserved) if it would pass it.
    /// Takes up to `bytes` of the network quota and returns how many it took: all of them, or
    /// what was left (0 when the quota is spent), so that a transfer cut at the quota has used
    /// exactly the quota. Without a quota, takes all and only counts them.
    func takeNetworkBytes(_ bytes: UInt64) -> UInt64 {
        guard let limit = quotas.networkBytes else {
            networkUsed.add(bytes, ordering: .relaxed)
            return bytes
        }
        var current = networkUsed.load(ordering: .relaxed)
        while true {
            let granted = current >= limit ? 0 : min(bytes, limit - current)
            guard granted > 0 else { return 0 }
            let (done, original) = networkUsed.compareExchange(expected: current, desired: current + granted, ordering: .relaxed)
            if done { return granted }
            current = original
        }
    }

    // MARK: Calls into the extension

    /// Admits one call into the extension, or says why not.
    func admitCall(now: UInt64 = MonotonicTime.nanoseconds()) throws(ExtensionError) {
        if isSuspended {
            throw ExtensionError(.suspended, extensionID: extensionID, "the extension is suspended; an operator must resume it (hypermesh ext resume \(extensionID))")
        }
        if let total = quotas.cpuMillisecondsTotal, cpuNanosecondsUsed >= total &* 1_000_000 {
            throw ExtensionError(.quotaExceeded, extensionID: extensionID,
                                 "the extension has used its total CPU quota of \(total) ms; the operator can raise cpuMillisecondsTotal in the policy")
        }
        if !callAdmission.tryAcquire(now: now) {
            throw ExtensionError(.rateLimited, extensionID: extensionID,
                                 "more than \(callAdmission.rate) calls per second; retry later")
        }
    }

    /// Accounts for one finished call: CPU quotas and the anomaly detector.
    func callFinished(cpuNanoseconds: UInt64, now: UInt64) {
        let total = cpuUsed.add(cpuNanoseconds, ordering: .relaxed).newValue
        if let perCall = quotas.cpuMillisecondsPerCall, cpuNanoseconds > perCall &* 1_000_000 {
            violation(.cpuPerCall, status: HYPERMESH_ERR_QUOTA_EXCEEDED,
                      "a call used \(cpuNanoseconds / 1_000_000) ms of CPU, over the quota of \(perCall) ms per call",
                      details: ["cpu_ms": "\(cpuNanoseconds / 1_000_000)", "quota_ms": "\(perCall)"])
        }
        if let limit = quotas.cpuMillisecondsTotal, total >= limit &* 1_000_000, total &- cpuNanoseconds < limit &* 1_000_000 {
            violation(.cpuTotal, status: HYPERMESH_ERR_QUOTA_EXCEEDED, "the extension spent its total CPU quota of \(limit) ms; further calls are refused",
                      details: ["quota_ms": "\(limit)"])
        }
        let anomalies = monitor.withLock { monitor -> [Anomaly] in
            let found = monitor.detector.recordCall(cpuMicroseconds: Double(cpuNanoseconds) / 1_000, now: now)
            if let last = found.last { monitor.lastAnomaly = last }
            return found
        }
        for anomaly in anomalies { react(to: anomaly) }
    }

    // MARK: Reactions

    private func react(to anomaly: Anomaly) {
        let action = anomalySettings.action
        audit.record(.anomaly, extensionID, anomaly.description, details: ["measure": anomaly.measure.rawValue, "action": action.rawValue])
        logger.warning("anomaly: \(anomaly.description); action: \(action.rawValue)")
        if action >= .alert {
            events.publish(ExtensionEvent(extensionID: extensionID, topic: "hypermesh.security.anomaly",
                                          payload: Array("{\"action\":\"\(action.rawValue)\",\"measure\":\"\(anomaly.measure.rawValue)\"}".utf8)))
        }
        if action >= .throttle {
            let rate = UInt64(anomalySettings.throttleRate)
            hostOperations.setRate(rate)
            callAdmission.setRate(rate)
            audit.record(.anomaly, extensionID, "throttled to \(rate) operations per second", details: ["action": "throttle"])
        }
        switch action {
        case .suspend: suspend(reason: "anomaly: \(anomaly.description)")
        case .terminate:
            suspendedFlag.store(true, ordering: .releasing)
            reactions.withLock { $0 }.terminate("terminated by the anomaly policy: \(anomaly.description)")
        default: violation(.anomaly, status: HYPERMESH_ERR_QUOTA_EXCEEDED, anomaly.description, details: ["measure": anomaly.measure.rawValue])
        }
    }

    /// Stops admitting calls and host operations at once, writes the suspension to the audit
    /// log, and asks the registry to suspend the extension. Idempotent.
    func suspend(reason: String) {
        guard !suspendedFlag.exchange(true, ordering: .acquiringAndReleasing) else { return }
        audit.record(.suspension, extensionID, "suspended: \(reason)", details: ["reason": reason])
        logger.error("suspended: \(reason)")
        suspensionsCounter.increment()
        let reactions = reactions.withLock { $0 }
        reactions.persistSuspension(reason)
        reactions.suspend(reason)
    }

    /// Marks the extension suspended without asking the registry (it is the one suspending).
    /// Returns whether it was not suspended before.
    func markSuspended() -> Bool {
        !suspendedFlag.exchange(true, ordering: .acquiringAndReleasing)
    }

    /// Lifts a suspension (the registry calls this when an operator resumes the extension):
    /// calls are admitted again, the violation window is cleared and a throttled rate restored.
    func resume() {
        monitor.withLock { $0.tracker.reset() }
        let rate = UInt64(quotas.operationsPerSecond ?? Self.defaultOperationsPerSecond)
        hostOperations.setRate(rate)
        callAdmission.setRate(rate)
        suspendedFlag.store(false, ordering: .releasing)
    }
}

/// The mutable part of a ``SecurityContext``, behind its lock.
struct SecurityMonitor: Sendable {
    var detector: AnomalyDetector
    var tracker: ViolationTracker
    var lastAnomaly: Anomaly?
}
