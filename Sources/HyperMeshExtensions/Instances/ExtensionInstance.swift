import HyperMeshSandbox

/// One live extension instance as the registry holds it: the runtime that runs it (native or
/// wasm), its ``HostContext``, and the ``CallGate`` that admits at most the `concurrency` quota of
/// calls at once (default 1: calls are serialized; wasm instances are always serialized), and the
/// ``CPUShareThrottle`` that holds its `cpuPercent` quota by admission (in-process native and wasm
/// instances with the quota; nil otherwise).
public final class ExtensionInstance: Sendable {
    public let context: HostContext
    let gate: CallGate
    let runtime: any ExtensionRuntime
    let cpuShare: CPUShareThrottle?

    /// The CPU clock of the process that runs the calls (an isolated worker), or nil.
    let processCPUClock: ProcessCPUClock?

    init(runtime: any ExtensionRuntime, context: HostContext, concurrency: Int, cpuShare: CPUShareThrottle? = nil) {
        self.runtime = runtime
        self.context = context
        self.gate = CallGate(limit: concurrency)
        self.cpuShare = cpuShare
        self.processCPUClock = runtime.processCPUClock
    }

    public var extensionID: String { context.extensionID }

    /// Sends one request and returns a copy of the output.
    public func call(method: String, input: [UInt8]) throws(ExtensionError) -> [UInt8] {
        try call(method: method, input: input) { Array($0) }
    }

    /// Sends one request and lends the output to `body` without copying it; `body` must not keep it.
    public func call<Result>(
        method: String, input: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) throws(ExtensionError) -> Result {
        gate.enter()
        defer { gate.leave() }
        return try runtime.call(method: method, input: input, body)
    }

    /// Like ``call(method:input:_:)``; with a ``processCPUClock``, `processCPU` is set to the CPU
    /// the process used between entering the gate and the answer (the gate admits one call at a
    /// time there, so it is this call's), whether the call succeeded or not. With `gateHeld`, the
    /// caller has entered the gate (``CallGate/enterSuspending()``) and leaves it.
    func call<Result>(
        method: String, input: [UInt8], processCPU: inout UInt64?, gateHeld: Bool = false, _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) throws(ExtensionError) -> Result {
        if !gateHeld { gate.enter() }
        defer { if !gateHeld { gate.leave() } }
        guard let clock = processCPUClock else { return try runtime.call(method: method, input: input, body) }
        let before = clock.nanoseconds()
        defer {
            if let before, let after = clock.nanoseconds() { processCPU = after &- before }
        }
        return try runtime.call(method: method, input: input, body)
    }

    func activate() throws(ExtensionError) { try runtime.activate() }

    func deactivate() throws(ExtensionError) { try runtime.deactivate() }

    /// The extension's own health report (JSON), taken through the gate like a call.
    func reportedHealth() throws(ExtensionError) -> [UInt8]? {
        gate.enter()
        defer { gate.leave() }
        return try runtime.reportedHealth()
    }

    /// The extension's own health report if the gate has room now, else ``HealthProbe/busy``:
    /// never waits behind calls in progress (an isolated call may run until its deadline, an
    /// in-process one until it returns), so that listing and inspecting extensions, and the
    /// node's `/v1/health`, answer while one extension is busy.
    func reportedHealthIfIdle() throws(ExtensionError) -> HealthProbe {
        guard gate.tryEnter() else { return .busy }
        defer { gate.leave() }
        return .reported(try runtime.reportedHealth())
    }

    /// What ``reportedHealthIfIdle()`` found.
    enum HealthProbe {
        /// The health entry's JSON (nil when the extension has none).
        case reported([UInt8]?)
        /// Every slot of the gate was taken by a call: the health entry was not asked.
        case busy
    }

    func destroy() { runtime.destroy() }

    var stateHandOver: StateHandOverEntries { runtime.stateHandOver }

    /// `export_state`, taken through the gate like a call (the caller has drained the calls).
    func exportState() throws(ExtensionError) -> [UInt8] {
        gate.enter()
        defer { gate.leave() }
        return try runtime.exportState()
    }

    func importState(_ state: [UInt8]) throws(ExtensionError) {
        gate.enter()
        defer { gate.leave() }
        try runtime.importState(state)
    }
}
