import HyperMeshSandbox

/// What runs one extension instance, whatever its kind: a native library in this process
/// (``NativeInstance``) or a WebAssembly guest (``WasmInstance``). ``ExtensionInstance`` wraps one
/// with the call gate and the host context; the registry only sees that wrapper.
///
/// `call` is entered through the gate (at most the concurrency quota at once); `activate`,
/// `deactivate` and `destroy` are serialized by the registry.
protocol ExtensionRuntime: AnyObject, Sendable {
    /// Handles one request and lends the output to `body` (which must not keep the buffer).
    func call<Result>(method: String, input: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> Result) throws(ExtensionError) -> Result
    /// The extension's activate entry, if it has one.
    func activate() throws(ExtensionError)
    /// The extension's deactivate entry, if it has one.
    func deactivate() throws(ExtensionError)
    /// The extension's own health report (JSON); nil if it has no health entry. A health entry
    /// that fails (a non-OK status, a trap, a worker that died) throws.
    func reportedHealth() throws(ExtensionError) -> [UInt8]?
    /// Releases the instance; later calls fail with `call.not_active`. Idempotent.
    func destroy()

    /// Which optional state hand-over entries the extension has (`export_state`, `import_state`).
    var stateHandOver: StateHandOverEntries { get }
    /// Calls `export_state` (only when ``stateHandOver`` says it exists) and returns the state.
    func exportState() throws(ExtensionError) -> [UInt8]
    /// Calls `import_state` with `state` (only when ``stateHandOver`` says it exists).
    func importState(_ state: [UInt8]) throws(ExtensionError)
    /// The CPU clock of the process that runs the extension's calls, when that is not the calling
    /// thread (an isolated worker); nil: a call's CPU is the calling thread's (``CallCPUClock``).
    var processCPUClock: ProcessCPUClock? { get }
}

extension ExtensionRuntime {
    var processCPUClock: ProcessCPUClock? { nil }
}

/// The optional state hand-over entries an extension instance has.
public struct StateHandOverEntries: Sendable, Hashable {
    public var exports: Bool
    public var imports: Bool

    public init(exports: Bool, imports: Bool) {
        self.exports = exports
        self.imports = imports
    }

    public static let none = StateHandOverEntries(exports: false, imports: false)
}
