import CHyperMeshABI
import Foundation
import HyperMeshWasm
import Metrics
import Synchronization

/// A WebAssembly extension's instance: a ``WasmGuest`` bound to the extension's ``HostContext``
/// through ``WasmHostFunctionBindings`` (the host function declarations).
///
/// A trap (out of fuel, memory limit, unreachable, out-of-bounds pointer, deadline…) fails the call
/// with its `wasm.*` code, is recorded as a `wasm_trap` violation of the extension (audited, counted
/// toward suspension), and leaves the guest to make a fresh instance for the next call. A non-zero
/// status from the guest is its own answer: `call.method_failed`, not a violation.
///
/// Entries are serialized by a lock (a `Store` is confined to one thread at a time), whatever the
/// concurrency quota says.
final class WasmInstance: ExtensionRuntime, Sendable {
    let context: HostContext
    private let guest: Mutex<WasmGuest?>
    /// Fuel used by every call so far, and by the last one.
    private let fuel = Atomic<UInt64>(0)
    private let lastFuel = Atomic<UInt64>(0)
    /// `hypermesh_wasm_fuel_total{extension}`: fuel burnt by the extension's calls.
    private let fuelCounter: Counter

    init(image: WasmImage, context: HostContext, limits: WasmLimits) throws(ExtensionError) {
        self.context = context
        self.fuelCounter = Counter(label: MetricFamily.wasmFuel.name, dimensions: [("extension", context.extensionID)], factory: context.metricsFactory)
        do throws(WasmError) {
            let bindings = try WasmHostFunctionBindings(context: context, imports: image.imports, declared: image.declared)
            let guest = try WasmGuest(module: image.module, imports: bindings.imports, limits: limits, bindings: bindings)
            self.guest = Mutex(guest)
        } catch {
            throw ExtensionError(wasm: error, extensionID: context.extensionID)
        }
    }

    var extensionID: String { context.extensionID }

    /// Fuel used by all calls so far.
    var fuelUsedTotal: UInt64 { fuel.load(ordering: .relaxed) }
    /// Fuel used by the last entry.
    var fuelUsedLast: UInt64 { lastFuel.load(ordering: .relaxed) }

    func call<Result>(method: String, input: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> Result) throws(ExtensionError) -> Result {
        let outcome = try enter("call '\(method)'") { (guest) throws(WasmError) in try guest.call(method: method, input: input) }
        guard outcome.status == HYPERMESH_OK else {
            throw ExtensionError(.methodFailed, extensionID: extensionID,
                                 "method '\(method)' failed with \(StatusName.of(outcome.status))", cause: outcome.errorMessage)
        }
        return outcome.output.withUnsafeBufferPointer(body)
    }

    func activate() throws(ExtensionError) {
        let outcome = try enter("activate") { (guest) throws(WasmError) in try guest.activate() }
        guard outcome.status == HYPERMESH_OK else {
            throw ExtensionError(.activationFailed, extensionID: extensionID,
                                 "hypermesh_activate failed with \(StatusName.of(outcome.status))", cause: outcome.errorMessage)
        }
    }

    func deactivate() throws(ExtensionError) {
        let outcome = try enter("deactivate") { (guest) throws(WasmError) in try guest.deactivate() }
        guard outcome.status == HYPERMESH_OK else {
            throw ExtensionError(.deactivationFailed, extensionID: extensionID,
                                 "hypermesh_deactivate failed with \(StatusName.of(outcome.status))", cause: outcome.errorMessage)
        }
    }

    func reportedHealth() throws(ExtensionError) -> [UInt8]? {
        let outcome = try enter("health") { (guest) throws(WasmError) in try guest.health() }
        guard let outcome else { return nil }
        guard outcome.status == HYPERMESH_OK else {
            throw ExtensionError(.methodFailed, extensionID: extensionID, "hypermesh_health failed with \(StatusName.of(outcome.status))", cause: outcome.errorMessage)
        }
        return outcome.output
    }

    func destroy() {
        guest.withLock { $0 = nil }
    }

    var stateHandOver: StateHandOverEntries {
        guest.withLock { guest in
            guest.map { StateHandOverEntries(exports: $0.exportsState, imports: $0.importsState) } ?? .none
        }
    }

    func exportState() throws(ExtensionError) -> [UInt8] {
        let outcome = try enter("export_state") { (guest) throws(WasmError) -> WasmCallOutcome in
            guard let outcome = try guest.exportState() else { throw WasmError(.missingExport, "no \(WasmGuestExports.exportState) export") }
            return outcome
        }
        guard outcome.status == HYPERMESH_OK else {
            throw ExtensionError(.stateHandOverFailed, extensionID: extensionID,
                                 "\(WasmGuestExports.exportState) failed with \(StatusName.of(outcome.status))", cause: outcome.errorMessage)
        }
        return outcome.output
    }

    func importState(_ state: [UInt8]) throws(ExtensionError) {
        let outcome = try enter("import_state") { (guest) throws(WasmError) -> WasmCallOutcome in
            guard let outcome = try guest.importState(state) else { throw WasmError(.missingExport, "no \(WasmGuestExports.importState) export") }
            return outcome
        }
        guard outcome.status == HYPERMESH_OK else {
            throw ExtensionError(.stateHandOverFailed, extensionID: extensionID,
                                 "\(WasmGuestExports.importState) failed with \(StatusName.of(outcome.status))", cause: outcome.errorMessage)
        }
    }

    /// The size of the guest's linear memory now, in bytes (nil between a trap and the next call).
    var memoryByteCount: Int? { guest.withLock { $0?.memoryByteCount } }

    /// The guest's limits and the fuel it has used, for `ext inspect`.
    var limits: WasmLimits? { guest.withLock { $0?.limits } }

    private func enter<Outcome: Sendable>(_ what: @autoclosure () -> String, _ body: (WasmGuest) throws(WasmError) -> Outcome) throws(ExtensionError) -> Outcome {
        let result = guest.withLock { guest -> Result<Outcome, WasmError>? in
            guard let guest else { return nil }
            defer {
                lastFuel.store(guest.lastFuelUsed, ordering: .relaxed)
                fuel.add(guest.lastFuelUsed, ordering: .relaxed)
                fuelCounter.increment(by: Int64(clamping: guest.lastFuelUsed))
            }
            do throws(WasmError) {
                return .success(try body(guest))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case nil:
            throw ExtensionError(.notActive, extensionID: extensionID, "the instance was destroyed")
        case .success(let outcome):
            return outcome
        case .failure(let error):
            if error.code.isTrap {
                context.security.violation(.wasmTrap, status: HYPERMESH_ERR_INTERNAL,
                                           "\(what()) trapped: \(error.message)",
                                           details: ["trap": error.code.rawValue, "cause": error.cause ?? ""])
            }
            throw ExtensionError(wasm: error, extensionID: extensionID)
        }
    }
}
