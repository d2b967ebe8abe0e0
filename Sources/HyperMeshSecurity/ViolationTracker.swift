/// Counts an extension's violations per kind over a sliding window and says when the count
/// passes the threshold: the moment to suspend it.
///
/// A pure value: the caller passes the time (seconds, any monotonic origin) and serializes access.
/// Memory is bounded: at most `threshold + 1` timestamps are kept per kind.
public struct ViolationTracker: Sendable {
    public let settings: ViolationSettings
    private var recent: [ViolationKind: [Double]] = [:]
    /// Every violation ever recorded, per kind (for `ext inspect` and metrics).
    public private(set) var totals: [ViolationKind: Int] = [:]

    public init(settings: ViolationSettings = .standard) {
        self.settings = settings
    }

    /// What recording one violation means.
    public enum Verdict: Sendable, Equatable {
        /// Counted; `count` of this kind are in the window, `threshold` suspends.
        case counted(count: Int, threshold: Int)
        /// This violation passed the threshold: suspend the extension.
        case thresholdPassed(count: Int, threshold: Int)
        /// Counted in the totals only: no threshold applies to this kind (see
        /// ``ViolationSettings/threshold(for:)``).
        case tallied
    }

    /// Records one violation of `kind` at `now` (seconds).
    public mutating func record(_ kind: ViolationKind, at now: Double) -> Verdict {
        totals[kind, default: 0] += 1
        guard let threshold = settings.threshold(for: kind) else { return .tallied }
        var times = recent[kind, default: []]
        times.removeAll { now - $0 >= settings.windowSeconds }
        times.append(now)
        if times.count > threshold + 1 { times.removeFirst(times.count - threshold - 1) }
        recent[kind] = times
        return times.count > threshold
            ? .thresholdPassed(count: times.count, threshold: threshold)
            : .counted(count: times.count, threshold: threshold)
    }

    /// Violations of `kind` within the window ending at `now`.
    public func count(of kind: ViolationKind, at now: Double) -> Int {
        recent[kind, default: []].filter { now - $0 < settings.windowSeconds }.count
    }

    /// Forgets the window (after an operator resumes the extension); totals are kept.
    public mutating func reset() {
        recent.removeAll()
    }
}
