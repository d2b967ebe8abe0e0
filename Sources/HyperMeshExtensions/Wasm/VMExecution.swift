import CHyperMeshABI
import HyperMeshManifest
import HyperMeshTrust
import HyperMeshWasm

/// `vm_execute`: runs one method of a WebAssembly module for an extension that holds the
/// `vmExecution` capability (the Catalog's `execute`). The module is data, not an extension: it
/// gets no capability (only `output`, `error_message`, `last_error` and `log`, whose lines go to the
/// caller's log under the caller's rate), a fresh instance per run, and a budget that cannot exceed
/// the caller's own: fuel for its CPU quota per call, its memory quota (default 64 MiB).
///
/// A trap in the module is the caller's answer, not the caller's violation: the caller asked to run
/// untrusted code and gets a status saying how it ended.
enum VMExecution {
    struct Outcome {
        var output: [UInt8]
        var fuelUsed: UInt64
    }

    static func run(
        _ host: HostContext, module bytes: [UInt8], method: String, input: [UInt8], fuel: UInt64, memoryBytes: UInt64
    ) throws -> Outcome {
        let ceiling = WasmLimitsPolicy.limits(for: host.security.quotas, rate: host.wasmFuelRate)
        var limits = ceiling
        if fuel > 0 { limits.fuelPerCall = min(fuel, ceiling.fuelPerCall) }
        if memoryBytes > 0 { limits.memoryBytes = min(memoryBytes, ceiling.memoryBytes) }
        let outcome: WasmCallOutcome
        do throws(WasmError) {
            let module = try WasmModuleCache.shared.module(digest: FileDigest.sha256Hex(of: bytes)) { bytes }
            let bindings = try WasmHostFunctionBindings(
                context: host, imports: try module.hostImports(declared: [], offered: WasmHostFunctions.offeredToExecutedModules), declared: [])
            let guest = try WasmGuest(module: module, imports: bindings.imports, limits: limits, bindings: bindings)
            outcome = try guest.call(method: method, input: input)
        } catch {
            let status: hypermesh_status = switch error.code {
            case .outOfFuel, .memoryLimit, .tableLimit, .deadlineExceeded: HYPERMESH_ERR_QUOTA_EXCEEDED
            case .hostError: HYPERMESH_ERR_INTERNAL
            default: HYPERMESH_ERR_INVALID_ARGUMENT
            }
            host.logger.info("vm_execute: \(error.description)")
            throw HostCallFailure(status, "\(error.code.rawValue): \(error.message)" + (error.cause.map { " (\($0))" } ?? ""))
        }
        guard outcome.status == HYPERMESH_OK else {
            throw HostCallFailure(outcome.status, outcome.errorMessage ?? "the module's \(method) failed with \(StatusName.of(outcome.status))")
        }
        return Outcome(output: outcome.output, fuelUsed: outcome.fuelUsed)
    }
}
