import CHyperMeshABI
import HyperMeshWasm

/// How a compiled wasm module's trap reaches the host: the glue answers the entry with ``status``
/// (a value no ABI status has, and which the glue never lets the guest return) and the message
/// `"wasm.<code>: <what> trapped: <detail>"`. The host turns it into the same typed error and the
/// same `wasm_trap` violation as a trap in the interpreter.
enum CompiledWasmTrap {
    /// The status of a trap (`HM_COMPILED_TRAP_STATUS` in the glue).
    static let status: Int32 = 30_561

    /// The typed error for a trap during `what`, after recording the violation.
    static func error(message: String?, during what: String, context: HostContext) -> ExtensionError {
        let text = message ?? "wasm.trap: \(what) trapped"
        let codeText = text.prefix { $0 != ":" }
        let code = WasmError.knownCodes.first { $0.rawValue == codeText && $0.isTrap } ?? .trap
        let detail = text.drop { $0 != ":" }.dropFirst().trimmingCharacters(in: .whitespaces)
        context.security.violation(.wasmTrap, status: HYPERMESH_ERR_INTERNAL, "\(what) trapped: \(detail)",
                                   details: ["trap": code.rawValue, "cause": detail, "engine": "compiled"])
        return ExtensionError(ExtensionErrorCode(rawValue: code.rawValue) ?? .wasmTrap, extensionID: context.extensionID,
                              detail.isEmpty ? "\(what) trapped" : detail)
    }
}
