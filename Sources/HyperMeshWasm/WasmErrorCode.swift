/// What went wrong in a WebAssembly extension, as a stable code. The raw value is what operators
/// see (`wasm.out_of_fuel`) and what the docs (`docs/wasm-abi.md`) list.
public enum WasmErrorCode: String, Sendable, Hashable, CaseIterable {
    /// The call used all of its fuel.
    case outOfFuel = "wasm.out_of_fuel"
    /// The call's wall-clock deadline passed (checked at every host call).
    case deadlineExceeded = "wasm.deadline_exceeded"
    /// Memory growth past the memory limit, or an initial memory above it.
    case memoryLimit = "wasm.memory_limit"
    /// Table growth past the table limit.
    case tableLimit = "wasm.table_limit"
    /// The guest executed `unreachable`.
    case unreachable = "wasm.unreachable"
    /// A memory access outside linear memory, by the guest or through a pointer it passed the host.
    case outOfBounds = "wasm.out_of_bounds"
    /// Any other trap: division by zero, stack exhausted, bad indirect call, …
    case trap = "wasm.trap"
    /// The bytes are not a valid WebAssembly module.
    case malformedModule = "wasm.malformed_module"
    /// The module imports something the host does not give it.
    case importRefused = "wasm.import_refused"
    /// The module lacks an export the guest ABI requires, or has it with the wrong type.
    case missingExport = "wasm.missing_export"
    /// A host function failed in a way that is the host's fault, not the guest's.
    case hostError = "wasm.host_error"

    /// Whether this code ends the call with a trap (the instance is discarded and the extension
    /// gets a violation). Load-time codes are not traps.
    public var isTrap: Bool {
        switch self {
        case .outOfFuel, .deadlineExceeded, .memoryLimit, .tableLimit, .unreachable, .outOfBounds, .trap, .hostError:
            return true
        case .malformedModule, .importRefused, .missingExport:
            return false
        }
    }
}
