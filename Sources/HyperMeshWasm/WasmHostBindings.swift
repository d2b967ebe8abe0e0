/// What the host gives a guest behind the broker-backed imports (`log`, storage, files, network,
/// events, assets, consensus). ``WasmGuest`` handles `output`, `error_message` and `last_error`
/// itself, checks the deadline, and calls this for the rest.
///
/// An implementation reads its arguments through `memory` (bounds-checked), asks the host's broker,
/// and writes results back with ``GuestMemory/place(_:)``. Throwing a ``WasmError`` ends the guest's
/// call with that error (a trap); a refusal by the broker is not a trap but a status, with the
/// message the guest can read with `last_error`.
public protocol WasmHostBindings: AnyObject, Sendable {
    /// Runs `function` with its `i32` `arguments` (as many as ``WasmHostImport/parameterCount``).
    /// Returns the status for functions that return one (ignored otherwise).
    func invoke(_ function: WasmHostImport, _ arguments: [UInt32], memory: GuestMemory) throws(WasmError) -> WasmHostResult
}

/// The result of a host function: a status and, when it failed, the message `last_error` returns.
public struct WasmHostResult: Sendable {
    public var status: Int32
    public var message: String?

    public init(status: Int32, message: String? = nil) {
        self.status = status
        self.message = message
    }

    public static let ok = WasmHostResult(status: 0)
}
