import Foundation
import HyperMeshErrors
import Synchronization

/// The fast path into one active extension: admission (is it accepting calls? does its
/// ``SecurityContext`` admit one more: not suspended, within its call rate and total CPU? does its
/// ``CPUShareThrottle``, if it has one: within its CPU share?), the call itself with its CPU time
/// taken from the thread CPU clock (see ``CallCPUClock``), or for an isolated extension from its
/// worker's process CPU clock, and metrics, with no actor hop. What the
/// call used goes to the security context (per-call CPU quota, anomaly detection) after it returns:
/// in-process code is never stopped mid-call. Obtain one from ``ExtensionRegistry/handle(for:)``; it stays
/// valid until the extension is deactivated, after which every call fails with `call.not_active`.
///
/// Deactivation closes the handle and waits for calls already admitted to return before the
/// instance is destroyed, so a call never runs against a destroyed instance.
public final class ExtensionHandle: Sendable {
    public let extensionID: String
    let instance: ExtensionInstance
    public let metrics: ExtensionMetrics
    /// Calls in flight, plus ``closedFlag`` once the handle stops admitting: one atomic add to
    /// enter and one to leave, so admission costs no lock.
    private let admission = Atomic<Int>(0)
    private static let closedFlag = 1 << 62
    /// Who waits in ``closeAndDrain()`` for the calls in flight; the call that leaves last resumes them.
    private let drainWaiters = Mutex<[CheckedContinuation<Void, Never>]>([])

    init(instance: ExtensionInstance, metrics: ExtensionMetrics) {
        self.extensionID = instance.extensionID
        self.instance = instance
        self.metrics = metrics
    }

    /// Calls `method` with `input`; returns the extension's output bytes.
    public func call(method: String, input: [UInt8]) throws(ExtensionError) -> [UInt8] {
        try call(method: method, input: input) { Array($0) }
    }

    /// Calls `method` with `input` and lends the output to `body` without copying it (the buffer
    /// is freed when `body` returns). For hosts that forward the bytes somewhere else.
    ///
    /// An extension with a CPU share (`cpuPercent`, in-process or wasm) that is over its share is
    /// refused here (`security.rate_limited`): this synchronous call cannot wait without blocking
    /// its thread. ``ExtensionRegistry/call(_:method:input:)`` waits for the share instead.
    public func call<Result>(
        method: String, input: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) throws(ExtensionError) -> Result {
        try instance.cpuShare?.admitWithoutWaiting()
        return try callAdmittedByCPUShare(method: method, input: input, gateHeld: false, body)
    }

    /// The call without a suspension point, when nothing makes it wait: no CPU share and room in
    /// the call gate. Nil when it would have to wait (then use ``callWaitingForCPUShare(method:input:)``).
    @inline(__always)
    func callIfAdmittedAtOnce(method: String, input: [UInt8]) throws(ExtensionError) -> [UInt8]? {
        guard instance.cpuShare == nil, instance.gate.tryEnter() else { return nil }
        defer { instance.gate.leave() }
        return try callAdmittedByCPUShare(method: method, input: input, gateHeld: true) { Array($0) }
    }

    /// Waits, suspending the task (no thread is held), until the extension's CPU share admits one
    /// call and its call gate has room (`concurrency`), then makes the call.
    func callWaitingForCPUShare(method: String, input: [UInt8]) async throws(ExtensionError) -> [UInt8] {
        if let share = instance.cpuShare {
            try await share.admit()
        }
        await instance.gate.enterSuspending()
        defer { instance.gate.leave() }
        return try callAdmittedByCPUShare(method: method, input: input, gateHeld: true) { Array($0) }
    }

    /// The call once the CPU share (if any) has admitted it; every path out ends that admission.
    private func callAdmittedByCPUShare<Result>(
        method: String, input: [UInt8], gateHeld: Bool, _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) throws(ExtensionError) -> Result {
        let share = instance.cpuShare
        let state = admission.wrappingAdd(1, ordering: .acquiring).newValue
        guard state & Self.closedFlag == 0 else {
            leave()
            share?.finish(cpuNanoseconds: 0, at: MonotonicClock.nanoseconds())
            throw ExtensionError(.notActive, extensionID: extensionID, "the extension is not active; activate it first")
        }
        defer { leave() }
        let security = instance.context.security
        let start = MonotonicClock.nanoseconds()
        do {
            try security.admitCall(now: start)
        } catch {
            share?.finish(cpuNanoseconds: 0, at: start)
            throw error
        }
        let cpuStart = CallCPUClock.start(now: start)
        let hostWorkStart = HostWorkCPU.total()
        var processCPU: UInt64?
        do {
            let result = try instance.call(method: method, input: input, processCPU: &processCPU, gateHeld: gateHeld, body)
            finish(security, start: start, cpuStart: cpuStart, hostWorkStart: hostWorkStart, processCPU: processCPU, failure: nil)
            return result
        } catch {
            finish(security, start: start, cpuStart: cpuStart, hostWorkStart: hostWorkStart, processCPU: processCPU,
                   failure: Self.failureCode(error))
            throw error
        }
    }

    /// Accounts a call: its CPU is the worker's (`processCPU`, measured by the host) for an
    /// isolated extension, else the calling thread's minus the host's own work on it.
    @inline(__always)
    private func finish(_ security: SecurityContext, start: UInt64, cpuStart: CallCPUClock.Start, hostWorkStart: UInt64,
                        processCPU: UInt64?, failure: String?) {
        let end = MonotonicClock.nanoseconds()
        let cpu: UInt64
        if let processCPU {
            cpu = processCPU
        } else {
            let used = CallCPUClock.used(since: cpuStart, wall: end &- start, now: end)
            let hostWork = HostWorkCPU.total() &- hostWorkStart
            cpu = used > hostWork ? used - hostWork : 0
        }
        metrics.record(nanoseconds: end &- start, failure: failure)
        instance.cpuShare?.finish(cpuNanoseconds: cpu, at: end)
        security.callFinished(cpuNanoseconds: cpu, now: end)
    }

    /// The stable code a failed call is counted under (`hypermesh_extension_errors_total{code}`):
    /// the error's own code, or `internal.untyped_error` for an error that has none.
    static func failureCode(_ error: any Error) -> String {
        (error as? any HyperMeshError)?.codeRawValue ?? "internal.untyped_error"
    }

    /// Whether calls are admitted.
    public var isAccepting: Bool { admission.load(ordering: .acquiring) & Self.closedFlag == 0 }

    /// Admits calls again after ``closeAndDrain()`` (a hot reload whose state hand-over failed
    /// keeps the old version serving).
    func reopen() {
        admission.bitwiseAnd(~Self.closedFlag, ordering: .sequentiallyConsistent)
    }

    /// Ends one admission; the last call out of a closed handle resumes whoever drains it.
    @inline(__always)
    private func leave() {
        if admission.wrappingSubtract(1, ordering: .acquiringAndReleasing).newValue == Self.closedFlag {
            resumeDrainWaiters()
        }
    }

    private func resumeDrainWaiters() {
        let waiters = drainWaiters.withLock { waiters in
            defer { waiters = [] }
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Stops admitting calls, then suspends (holding no thread) until every admitted call has
    /// returned: the last one resumes it.
    func closeAndDrain() async {
        close()
        guard admission.load(ordering: .acquiring) != Self.closedFlag else { return }
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            drainWaiters.withLock { $0.append(waiter) }
            // The last call may have left before the waiter was queued.
            if admission.load(ordering: .acquiring) == Self.closedFlag { resumeDrainWaiters() }
        }
    }

    /// Stops admitting calls (calls in flight go on).
    func close() {
        admission.bitwiseOr(Self.closedFlag, ordering: .sequentiallyConsistent)
    }

    /// Calls admitted and not yet returned.
    var callsInFlight: Int { admission.load(ordering: .acquiring) & ~Self.closedFlag }
}
