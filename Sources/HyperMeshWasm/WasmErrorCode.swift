import HyperMeshErrors

/// What went wrong in a WebAssembly extension, as a stable code. The raw value is what operators
/// see (`wasm.out_of_fuel`) and what the docs (`docs/wasm-abi.md`) list.
public typealias WasmErrorCode = HyperMeshErrorCode<WasmError>

extension HyperMeshErrorCode where Domain == WasmError {
    /// The call used all of its fuel.
    public static var outOfFuel: Self { Self("wasm.out_of_fuel", .extensionFailed) }
    /// The call's wall-clock deadline passed (checked at every host call).
    public static var deadlineExceeded: Self { Self("wasm.deadline_exceeded", .extensionFailed) }
    /// Memory growth past the memory limit, or an initial memory above it.
    public static var memoryLimit: Self { Self("wasm.memory_limit", .extensionFailed) }
    /// Table growth past the table limit.
    public static var tableLimit: Self { Self("wasm.table_limit", .extensionFailed) }
    /// The guest executed `unreachable`.
    public static var unreachable: Self { Self("wasm.unreachable", .extensionFailed) }
    /// A memory access outside linear memory, by the guest or through a pointer it passed the host.
    public static var outOfBounds: Self { Self("wasm.out_of_bounds", .extensionFailed) }
    /// Any other trap: division by zero, stack exhausted, bad indirect call, …
    public static var trap: Self { Self("wasm.trap", .extensionFailed) }
    /// The bytes are not a valid WebAssembly module.
    public static var malformedModule: Self { Self("wasm.malformed_module", .invalidInput) }
    /// The module imports something the host does not give it.
    public static var importRefused: Self { Self("wasm.import_refused", .invalidInput) }
    /// The module lacks an export the guest ABI requires, or has it with the wrong type.
    public static var missingExport: Self { Self("wasm.missing_export", .invalidInput) }
    /// A host function failed in a way that is the host's fault, not the guest's.
    public static var hostError: Self { Self("wasm.host_error", .internal) }

    /// Whether this code ends the call with a trap (the instance is discarded and the extension
    /// gets a violation). Load-time codes are not traps.
    public var isTrap: Bool {
        ![Self.malformedModule, .importRefused, .missingExport].contains(self)
    }
}
