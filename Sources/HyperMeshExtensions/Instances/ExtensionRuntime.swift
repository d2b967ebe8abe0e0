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
    /// The extension's own health report (JSON), if it has a health entry and it answered.
    func reportedHealth() -> [UInt8]?
    /// Releases the instance; later calls fail with `call.not_active`. Idempotent.
    func destroy()
}
