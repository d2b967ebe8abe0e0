/// The admission side of the CPU share quota (`cpuPercent`): how long a new call must wait so
/// that the CPU time an extension's calls use stays within `percent` of one CPU over a sliding
/// window. Pure state, no clock and no lock: the caller passes the time (monotonic nanoseconds)
/// and keeps the value behind its own lock.
///
/// How it decides: finished calls are recorded with the CPU time they used, in slots of
/// `window / slotCount` (default 1 s in 100 slots of 10 ms); a call counts in the window until its
/// slot is older than the window. Calls admitted and not yet finished count as an estimate each:
/// a moving average of recent calls' CPU (a quarter of each new call, three quarters of the old
/// estimate; 0 before the first call). A call is admitted while that sum is below the budget
/// (`window × percent / 100`); otherwise ``delay(at:)`` says how long until enough slots leave the
/// window for it to be below again.
///
/// Defaults: a 1 s window in 100 slots. `percent` is clamped to 1...100.
///
/// Not guaranteed: the share within one call. Admission happens between calls, so an admitted call
/// may take the window past its budget by its own CPU time (the per-call CPU quota bounds that),
/// and calls admitted together before the first finishes (concurrency above 1) are counted only
/// by the estimate. A call's CPU counts at the moment it finishes, not spread over its run.
public struct CPUShareAdmission: Sendable, Equatable {
    /// The default sliding window: one second.
    public static let defaultWindowNanoseconds: UInt64 = 1_000_000_000
    /// The default number of slots the window is cut into.
    public static let defaultSlotCount = 100

    /// Percent of one CPU, 1...100.
    public let percent: UInt64
    public let windowNanoseconds: UInt64
    /// Width of one slot: the resolution of the window, and the retry interval when only calls in
    /// flight hold the budget.
    public let slotNanoseconds: UInt64
    /// CPU nanoseconds the window may hold: `window × percent / 100`.
    public let budgetNanoseconds: UInt64
    /// Calls admitted and not finished.
    public private(set) var inFlight = 0
    /// CPU nanoseconds a call in flight is assumed to use.
    public private(set) var estimateNanoseconds: UInt64 = 0
    /// CPU per slot, as a ring; `stamps[i]` is the absolute slot number `cpu[i]` belongs to.
    private var cpu: [UInt64]
    private var stamps: [UInt64]

    public init(percent: UInt64, windowNanoseconds: UInt64 = Self.defaultWindowNanoseconds,
                slotCount: Int = Self.defaultSlotCount) {
        let slots = max(1, slotCount)
        self.percent = min(100, max(1, percent))
        self.slotNanoseconds = max(1, windowNanoseconds / UInt64(slots))
        self.windowNanoseconds = slotNanoseconds * UInt64(slots)
        self.budgetNanoseconds = self.windowNanoseconds / 100 * self.percent
        self.cpu = Array(repeating: 0, count: slots)
        self.stamps = Array(repeating: .max, count: slots)
    }

    /// CPU nanoseconds recorded in the window that ends at `now` (calls in flight not counted).
    public func used(at now: UInt64) -> UInt64 {
        let current = now / slotNanoseconds
        var total: UInt64 = 0
        for index in cpu.indices where isLive(stamps[index], current: current) {
            total &+= cpu[index]
        }
        return total
    }

    /// Nanoseconds a call arriving at `now` must wait before it may be admitted; 0 means at once.
    public func delay(at now: UInt64) -> UInt64 {
        let current = now / slotNanoseconds
        let pending = UInt64(inFlight).multipliedReportingOverflow(by: estimateNanoseconds)
        if pending.overflow || pending.partialValue >= budgetNanoseconds {
            return slotNanoseconds
        }
        var total = used(at: now) &+ pending.partialValue
        if total < budgetNanoseconds { return 0 }
        let live = cpu.indices.filter { isLive(stamps[$0], current: current) }.sorted { stamps[$0] < stamps[$1] }
        for index in live {
            total -= cpu[index]
            if total < budgetNanoseconds {
                // The slot leaves the window when the slot number passes it by the slot count.
                let leaves = (stamps[index] + UInt64(cpu.count)) * slotNanoseconds
                return leaves > now ? leaves - now : 0
            }
        }
        return slotNanoseconds
    }

    /// Admits a call at `now` if ``delay(at:)`` is 0 (it then counts as in flight until
    /// ``finish(cpuNanoseconds:at:)``); returns whether it was admitted.
    public mutating func tryAdmit(at now: UInt64) -> Bool {
        guard delay(at: now) == 0 else { return false }
        inFlight += 1
        return true
    }

    /// Ends an admitted call that used `cpuNanoseconds` (0 for one that never ran), finishing at `now`.
    public mutating func finish(cpuNanoseconds: UInt64, at now: UInt64) {
        inFlight = max(0, inFlight - 1)
        record(cpuNanoseconds: cpuNanoseconds, at: now)
    }

    /// Records `cpuNanoseconds` used at `now` and folds it into the estimate for calls in flight.
    public mutating func record(cpuNanoseconds: UInt64, at now: UInt64) {
        let current = now / slotNanoseconds
        let index = Int(current % UInt64(cpu.count))
        if stamps[index] != current {
            stamps[index] = current
            cpu[index] = 0
        }
        cpu[index] &+= cpuNanoseconds
        estimateNanoseconds = estimateNanoseconds / 4 * 3 + cpuNanoseconds / 4
    }

    /// Whether a slot numbered `stamp` is inside the window ending in slot `current`.
    private func isLive(_ stamp: UInt64, current: UInt64) -> Bool {
        stamp != .max && stamp <= current && current - stamp < UInt64(cpu.count)
    }
}
