/// What a guest entry point answered, when it did not trap: its status, the output it set, the
/// error message it set, and the fuel the call used.
public struct WasmCallOutcome: Sendable {
    /// The guest's status (`0` OK; the codes of `hypermesh_extension.h`).
    public var status: Int32
    /// The bytes the guest passed to `output` last (empty if none).
    public var output: [UInt8]
    /// The message the guest passed to `error_message`, if any.
    public var errorMessage: String?
    /// Fuel the call used, including the host's request writing and a fresh instance's start.
    public var fuelUsed: UInt64
}
