import HyperMeshManifest
import HyperMeshSecurity
import Metrics
import Synchronization

/// Holds the CPU share quota (`cpuPercent`) of one in-process native or wasm extension instance by
/// admission: a ``CPUShareAdmission`` (sliding 1 s window of the CPU its calls used) behind a lock,
/// the count of calls it throttled, and the metric `hypermesh_cpu_share_throttled_total`
/// (dimension `extension`).
///
/// A call that arrives while the extension is over its share waits with `Task.sleep` (it suspends
/// its task; no thread is held) until the share admits it: ``ExtensionRegistry/call(_:method:input:)``
/// does that. A caller of the synchronous ``ExtensionHandle/call(method:input:_:)`` cannot be made
/// to wait without blocking its thread, so it is refused instead (`security.rate_limited`, with the
/// time to wait in the message) and counted in ``refusedCalls``.
///
/// Isolated extensions have none: the cgroup cpu controller holds their share. Lifetime: one
/// instance's (a reload or a restart starts an empty window).
///
/// Not guaranteed: see ``CPUShareAdmission`` (admission is between calls; one long call can pass
/// the share, which `cpuMillisecondsPerCall` bounds).
final class CPUShareThrottle: Sendable {
    let extensionID: String
    let percent: UInt64
    private let admission: Mutex<CPUShareAdmission>
    private let throttled = Atomic<Int>(0)
    private let refused = Atomic<Int>(0)
    private let throttledCounter: Counter

    /// The longest single sleep of a waiting call: it looks at the share again at least this often
    /// (calls in flight that finish meanwhile can change how long it must wait). A suspension or a
    /// deactivation while it waits is noticed by the admission that follows the wait.
    static let longestWaitNanoseconds: UInt64 = 100_000_000

    init(extensionID: String, percent: UInt64, metricsFactory: any MetricsFactory) {
        self.extensionID = extensionID
        self.percent = percent
        self.admission = Mutex(CPUShareAdmission(percent: percent))
        self.throttledCounter = Counter(label: MetricFamily.cpuShareThrottled.name, dimensions: [("extension", extensionID)],
                                        factory: metricsFactory)
    }

    /// A throttle for `quotas`, or nil when they hold no `cpuPercent`.
    static func forQuotas(_ quotas: Quotas, extensionID: String, metricsFactory: any MetricsFactory) -> CPUShareThrottle? {
        quotas.cpuPercent.map { CPUShareThrottle(extensionID: extensionID, percent: UInt64($0), metricsFactory: metricsFactory) }
    }

    /// Calls that had to wait for the share.
    var throttledCalls: Int { throttled.load(ordering: .relaxed) }
    /// Calls refused because a synchronous caller could not wait.
    var refusedCalls: Int { refused.load(ordering: .relaxed) }

    /// Admits one call, suspending the task (never blocking a thread) while the extension is over
    /// its share. The admitted call must be ended with ``finish(cpuNanoseconds:at:)``.
    /// Throws `security.rate_limited` if the task is cancelled while it waits (nothing is admitted then).
    func admit() async throws(ExtensionError) {
        var counted = false
        while true {
            let now = MonotonicClock.nanoseconds()
            let wait = admission.withLock { admission -> UInt64 in
                admission.tryAdmit(at: now) ? 0 : admission.delay(at: now)
            }
            if wait == 0 { return }
            if !counted {
                counted = true
                throttled.add(1, ordering: .relaxed)
                throttledCounter.increment()
            }
            do {
                try await Task.sleep(nanoseconds: max(1, min(wait, Self.longestWaitNanoseconds)))
            } catch {
                throw ExtensionError(.rateLimited, extensionID: extensionID,
                                     "the call was cancelled while it waited for the extension's CPU share of \(percent)%")
            }
        }
    }

    /// Admits one call at once, or refuses it (counted) when the extension is over its share.
    func admitWithoutWaiting() throws(ExtensionError) {
        let now = MonotonicClock.nanoseconds()
        let wait = admission.withLock { admission -> UInt64 in
            admission.tryAdmit(at: now) ? 0 : admission.delay(at: now)
        }
        guard wait > 0 else { return }
        refused.add(1, ordering: .relaxed)
        throw ExtensionError(.rateLimited, extensionID: extensionID,
                             "over its CPU share of \(percent)% of one CPU; retry in \(max(1, wait / 1_000_000)) ms (ExtensionRegistry.call waits instead of refusing)")
    }

    /// Ends an admitted call that used `cpuNanoseconds` of CPU (0 if it never ran).
    func finish(cpuNanoseconds: UInt64, at now: UInt64) {
        admission.withLock { $0.finish(cpuNanoseconds: cpuNanoseconds, at: now) }
    }
}
