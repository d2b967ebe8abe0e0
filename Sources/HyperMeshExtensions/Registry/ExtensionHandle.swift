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
    private let admission = Mutex(Admission())

    private struct Admission {
        var accepting = true
        var inFlight = 0
    }

    init(instance: ExtensionInstance, metrics: ExtensionMetrics) {
        self.extensionID = instance.extensionID
        self.instance = instance
        self.metrics = metrics
    }

    /// Calls `method` with `input`; returns the extension's output bytes.
    public func call(method: String, input: [UInt8]) throws(ExtensionError) -> [UInt8] {
        let admitted = admission.withLock { state in
            guard state.accepting else { return false }
            state.inFlight += 1
            return true
        }
        guard admitted else {
            throw ExtensionError(.notActive, extensionID: extensionID, "the extension is not active; activate it first")
        }
        defer { admission.withLock { $0.inFlight -= 1 } }
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            let output = try instance.call(method: method, input: input)
            metrics.record(nanoseconds: DispatchTime.now().uptimeNanoseconds &- start, failed: false)
            return output
        } catch {
            metrics.record(nanoseconds: DispatchTime.now().uptimeNanoseconds &- start, failed: true)
            throw error
        }
    }

    /// Whether calls are admitted.
    public var isAccepting: Bool { admission.withLock { $0.accepting } }

    /// Stops admitting calls, then waits until every admitted call has returned.
    func closeAndDrain() {
        admission.withLock { $0.accepting = false }
        while admission.withLock({ $0.inFlight }) > 0 {
            usleep(200)
        }
    }
}
