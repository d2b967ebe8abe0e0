import Foundation
import Synchronization

/// The fast path into one active extension: admission (is it accepting calls?), the call itself,
/// and metrics, with no actor hop. Obtain one from ``ExtensionRegistry/handle(for:)``; it stays
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
    public func call<Result>(
        method: String, input: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) throws(ExtensionError) -> Result {
        let state = admission.wrappingAdd(1, ordering: .acquiring).newValue
        guard state & Self.closedFlag == 0 else {
            admission.wrappingSubtract(1, ordering: .releasing)
            throw ExtensionError(.notActive, extensionID: extensionID, "the extension is not active; activate it first")
        }
        defer { admission.wrappingSubtract(1, ordering: .releasing) }
        let start = MonotonicClock.nanoseconds()
        do {
            let result = try instance.call(method: method, input: input, body)
            metrics.record(nanoseconds: MonotonicClock.nanoseconds() &- start, failed: false)
            return result
        } catch {
            metrics.record(nanoseconds: MonotonicClock.nanoseconds() &- start, failed: true)
            throw error
        }
    }

    /// Whether calls are admitted.
    public var isAccepting: Bool { admission.load(ordering: .acquiring) & Self.closedFlag == 0 }

    /// Stops admitting calls, then waits until every admitted call has returned.
    func closeAndDrain() {
        admission.bitwiseOr(Self.closedFlag, ordering: .sequentiallyConsistent)
        while admission.load(ordering: .acquiring) & ~Self.closedFlag > 0 {
            usleep(200)
        }
    }
}
