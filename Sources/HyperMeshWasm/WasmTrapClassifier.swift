import WasmKit

/// Turns whatever a guest call threw into a ``WasmError``. Errors this module throws itself (from
/// host functions, the limiter) pass through. WasmKit 0.4.2 does not make a trap's reason public,
/// so traps are told apart by their description, which WasmKit words as `Trap: <reason>`; a trap
/// whose wording is not recognized is ``WasmErrorCode/trap`` with the description as its cause.
enum WasmTrapClassifier {
    static func classify(_ error: any Error, during what: String) -> WasmError {
        if let error = error as? WasmError { return error }
        if let trap = error as? Trap {
            let text = trap.description
            let reason = text.split(separator: "\n").first.map(String.init) ?? text
            if reason.contains("out of fuel") {
                return WasmError(.outOfFuel, "\(what) ran out of fuel", cause: reason)
            }
            if reason.contains("unreachable") {
                return WasmError(.unreachable, "\(what) executed unreachable (a trap or abort in the guest)", cause: reason)
            }
            if reason.contains("out of bounds memory access") {
                return WasmError(.outOfBounds, "\(what) accessed memory out of bounds", cause: reason)
            }
            if reason.contains("initial memory size exceeds") {
                return WasmError(.memoryLimit, "\(what): the module's initial memory is larger than its limit", cause: reason)
            }
            if reason.contains("initial table size exceeds") {
                return WasmError(.tableLimit, "\(what): the module's initial table is larger than its limit", cause: reason)
            }
            return WasmError(.trap, "\(what) trapped", cause: reason)
        }
        if error is WasmKitError {
            return WasmError(.malformedModule, "\(what) failed: the module is invalid", cause: "\(error)")
        }
        return WasmError(.hostError, "\(what) failed in the host", cause: "\(error)")
    }
}
