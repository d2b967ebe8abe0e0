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
/// A `Store` is confined to one thread at a time, so each guest instance serves one entry at a
/// time. With a `concurrency` quota of N > 1 the extension gets a pool of up to N guest instances
/// of the same module (made on demand, each activated when made): N calls run at once, each on an
/// instance of its own. Their linear memories are separate: state kept in guest memory is per
/// instance (keep shared state in host storage). Lifecycle entries (`deactivate` aside, which
/// every made instance gets), health and the state hand-over use the first instance; a state
/// hand-over therefore carries the first instance's state only.
final class WasmInstance: ExtensionRuntime, Sendable {
    let context: HostContext
    /// The first instance (lifecycle entries, health, state hand-over, and calls).
    private let guest: Mutex<WasmGuest?>
    /// The other instances of the pool (concurrency − 1 slots, nil until first needed).
    private let pool: [GuestSlot]
    /// Makes one more guest instance for the pool.
    private let makeGuest: @Sendable () throws(WasmError) -> WasmGuest
    /// Whether the extension is active (a pool instance made later is activated when made).
    private let active = Atomic<Bool>(false)
    private let destroyed = Atomic<Bool>(false)
    /// Fuel used by every call so far, and by the last one.
    private let fuel = Atomic<UInt64>(0)
    private let lastFuel = Atomic<UInt64>(0)
    /// `hypermesh_wasm_fuel_total{extension}`: fuel burnt by the extension's calls.
    private let fuelCounter: Counter

    /// - Parameter concurrency: the most instances to keep (the concurrency quota); at least 1.
    init(image: WasmImage, context: HostContext, limits: WasmLimits, concurrency: Int = 1) throws(ExtensionError) {
        self.context = context
        self.fuelCounter = Counter(label: MetricFamily.wasmFuel.name, dimensions: [("extension", context.extensionID)], factory: context.metricsFactory)
        let make: @Sendable () throws(WasmError) -> WasmGuest = { [weak context] () throws(WasmError) -> WasmGuest in
            guard let context else { throw WasmError(.hostError, "the extension's host context is gone") }
            let bindings = try WasmHostFunctionBindings(context: context, imports: image.imports, declared: image.declared)
            return try WasmGuest(module: image.module, imports: bindings.imports, limits: limits, bindings: bindings)
        }
        self.makeGuest = make
        self.pool = (1..<max(1, concurrency)).map { _ in GuestSlot() }
        do throws(WasmError) {
            self.guest = Mutex(try make())
        } catch {
            throw ExtensionError(wasm: error, extensionID: context.extensionID)
        }
    }

    /// How many instances the pool may hold (the first included).
    var poolCapacity: Int { pool.count + 1 }

    /// How many instances exist now (the first included; pool instances are made on demand).
    /// Never waits for a call: an instance busy with one exists.
    var instanceCount: Int {
        func exists(_ slot: borrowing Mutex<WasmGuest?>) -> Bool { slot.withLockIfAvailable { $0 != nil } ?? true }
        return (exists(guest) ? 1 : 0) + pool.reduce(0) { $0 + (exists($1.guest) ? 1 : 0) }
    }

    var extensionID: String { context.extensionID }

    /// Fuel used by all calls so far.
    var fuelUsedTotal: UInt64 { fuel.load(ordering: .relaxed) }
    /// Fuel used by the last entry.
    var fuelUsedLast: UInt64 { lastFuel.load(ordering: .relaxed) }

    func call<Result>(method: String, input: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> Result) throws(ExtensionError) -> Result {
        let outcome = try enterAnyInstance("call '\(method)'") { (guest) throws(WasmError) in try guest.call(method: method, input: input) }
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
        active.store(true, ordering: .releasing)
    }

    func deactivate() throws(ExtensionError) {
        active.store(false, ordering: .releasing)
        // The pool's instances first (their failures are the extension's own business: logged
        // by the guest's own lines, not reported), then the first, whose answer is the result.
        for slot in pool {
            slot.guest.withLock { guest in
                _ = try? guest?.deactivate()
                guest = nil
            }
        }
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
        destroyed.store(true, ordering: .releasing)
        guest.withLock { $0 = nil }
        for slot in pool { slot.guest.withLock { $0 = nil } }
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

    /// Runs a call on the first instance that is free: the first, else one of the pool (made and
    /// activated on first use). When every instance is busy (the call gate admits at most the
    /// concurrency quota, so only a lifecycle entry can hold one), it waits for the first.
    private func enterAnyInstance<Outcome: Sendable>(_ what: @autoclosure () -> String, _ body: (WasmGuest) throws(WasmError) -> Outcome) throws(ExtensionError) -> Outcome {
        if pool.isEmpty { return try enter(what(), body) }
        if let result = guest.withLockIfAvailable({ guest -> Result<Outcome, WasmError>? in
            guard let guest else { return nil }
            defer { recordFuel(of: guest) }
            do throws(WasmError) {
                return .success(try body(guest))
            } catch {
                return .failure(error)
            }
        }) {
            return try finish(result, what())
        }
        for slot in pool {
            // nil: the slot is busy; .some(result): the call ran there (or could not start).
            let attempt = slot.guest.withLockIfAvailable { guest -> PoolEntry<Outcome> in
                if guest == nil {
                    guard !destroyed.load(ordering: .acquiring) else { return PoolEntry(result: nil) }
                    do throws(WasmError) {
                        guest = try makePoolInstance()
                    } catch {
                        return PoolEntry(result: .failure(error))
                    }
                }
                guard let guest else { return PoolEntry(result: nil) }
                defer { recordFuel(of: guest) }
                do throws(WasmError) {
                    return PoolEntry(result: .success(try body(guest)))
                } catch {
                    return PoolEntry(result: .failure(error))
                }
            }
            if let attempt { return try finish(attempt.result, what()) }
        }
        return try enter(what(), body)
    }

    private func enter<Outcome: Sendable>(_ what: @autoclosure () -> String, _ body: (WasmGuest) throws(WasmError) -> Outcome) throws(ExtensionError) -> Outcome {
        try finish(guest.withLock { guest -> Result<Outcome, WasmError>? in
            guard let guest else { return nil }
            defer { recordFuel(of: guest) }
            do throws(WasmError) {
                return .success(try body(guest))
            } catch {
                return .failure(error)
            }
        }, what())
    }

    /// A new instance for the pool, activated when the extension is active.
    private func makePoolInstance() throws(WasmError) -> WasmGuest {
        let made = try makeGuest()
        if active.load(ordering: .acquiring) {
            let outcome = try made.activate()
            guard outcome.status == HYPERMESH_OK else {
                throw WasmError(.trap, "a new instance of the pool failed to activate (status \(outcome.status))", cause: outcome.errorMessage)
            }
        }
        return made
    }

    /// Adds the fuel of `guest`'s last entry to the totals.
    private func recordFuel(of guest: WasmGuest) {
        lastFuel.store(guest.lastFuelUsed, ordering: .relaxed)
        fuel.add(guest.lastFuelUsed, ordering: .relaxed)
        fuelCounter.increment(by: Int64(clamping: guest.lastFuelUsed))
    }

    /// The outcome of an entry, or its typed error (a trap also becomes a violation).
    private func finish<Outcome: Sendable>(_ result: Result<Outcome, WasmError>?, _ what: @autoclosure () -> String) throws(ExtensionError) -> Outcome {
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

/// What one pool slot did with an entry (see `enterAnyInstance`).
private struct PoolEntry<Outcome: Sendable>: Sendable {
    var result: Result<Outcome, WasmError>?
}

/// One instance of a wasm extension's pool, behind its own lock (nil until first needed).
private final class GuestSlot: Sendable {
    let guest = Mutex<WasmGuest?>(nil)
}
