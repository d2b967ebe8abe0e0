@_spi(Fuzzing) import WasmKit

/// One running WebAssembly extension: a WasmKit store and instance of a cached ``WasmModule``, with
/// its host functions, limits and the request buffer the host writes into.
///
/// Every entry (``call(method:input:)``, ``activate()``, ``deactivate()``, ``health()``) runs with a
/// fresh fuel budget of ``WasmLimits/fuelPerCall`` and the deadline, under the memory limiter. A
/// trap ends the entry with a ``WasmError`` and **discards the instance**: the next entry runs on a
/// fresh one made from the same module (and, if the guest had been activated, its
/// `hypermesh_activate` runs again first, within that entry's fuel).
///
/// Not thread-safe: entries must not overlap (the host serializes them). Not guaranteed: the
/// deadline is enforced through fuel and host-call checks, not by interrupting (see
/// `docs/wasm-abi.md`, "The deadline").
public final class WasmGuest {
    public let module: WasmModule
    public let limits: WasmLimits
    /// The host functions this guest imports (checked against the manifest at creation).
    public let imports: [WasmHostImport]
    let bindings: any WasmHostBindings
    let engine: Engine
    private let state = WasmCallState()
    private var live: LiveInstance?
    /// An instance made right after a trap discarded the live one, so that the next entry does not
    /// pay instantiation and translation (the trapping call pays them instead); nil otherwise.
    private var spare: LiveInstance?
    private var stack: ExecutionStack
    private var activated = false

    /// Instances created so far (1 + one per trap that was followed by another entry).
    public private(set) var instancesCreated = 0
    /// Fuel used by the last entry.
    public private(set) var lastFuelUsed: UInt64 = 0

    /// Creates the guest and its first instance (running the module's start function, if any).
    /// Fails with ``WasmErrorCode/importRefused`` for imports the host does not give or that
    /// have the wrong signature, ``WasmErrorCode/missingExport`` for missing or mistyped exports,
    /// and the limit codes if the module's initial memory or table is over its limit.
    public init(module: WasmModule, imports: [WasmHostImport], limits: WasmLimits,
                bindings: any WasmHostBindings, engine: Engine = WasmEngines.metered) throws(WasmError) {
        self.module = module
        self.imports = imports
        self.limits = limits
        self.bindings = bindings
        self.engine = engine
        self.stack = ExecutionStack(engine: engine)
        state.begin(deadlineNanoseconds: limits.deadlineNanoseconds)
        live = try instantiate()
    }

    deinit { discard() }

    /// The size of the live instance's linear memory in bytes (nil while no instance is live).
    public var memoryByteCount: Int? { live?.memory.byteCount }

    /// Whether an instance is live (false after a trap, until the next entry).
    public var hasLiveInstance: Bool { live != nil }

    /// Calls `hypermesh_handle(method, input)`.
    public func call(method: String, input: [UInt8]) throws(WasmError) -> WasmCallOutcome {
        try enter { (live) throws(WasmError) -> UInt32 in
            var method = method
            let methodLength = method.utf8.count
            let request = try self.requestBuffer(live, count: methodLength + input.count)
            try live.memory.check(request, UInt32(methodLength), "the method name")
            method.withUTF8 { live.memory.copyChecked(UnsafeRawBufferPointer($0), to: request) }
            let inputOffset = request + UInt32(methodLength)
            try live.memory.write(input, at: inputOffset, "the input")
            return try self.invokeStatus(live.handle, [.i32(request), .i32(UInt32(methodLength)),
                                                      .i32(inputOffset), .i32(UInt32(input.count))])
        }
    }

    /// Calls `hypermesh_activate` if the module exports it; remembers that the guest is active, so
    /// that a fresh instance after a trap is activated too.
    public func activate() throws(WasmError) -> WasmCallOutcome {
        let outcome = try enter { (live) throws(WasmError) -> UInt32 in
            guard let entry = live.activate else { return 0 }
            return try self.invokeStatus(entry, [])
        }
        activated = outcome.status == 0
        return outcome
    }

    /// Calls `hypermesh_deactivate` if the module exports it.
    public func deactivate() throws(WasmError) -> WasmCallOutcome {
        activated = false
        return try enter { (live) throws(WasmError) -> UInt32 in
            guard let entry = live.deactivate else { return 0 }
            return try self.invokeStatus(entry, [])
        }
    }

    /// Calls `hypermesh_health` if the module exports it; `nil` if it does not.
    public func health() throws(WasmError) -> WasmCallOutcome? {
        guard live?.health != nil || (live == nil && module.exportNames.contains(WasmGuestExports.health)) else { return nil }
        return try enter { (live) throws(WasmError) -> UInt32 in
            guard let entry = live.health else { return 0 }
            return try self.invokeStatus(entry, [])
        }
    }

    /// Whether the module exports `hypermesh_export_state` / `hypermesh_import_state`.
    public var exportsState: Bool { module.exportNames.contains(WasmGuestExports.exportState) }
    public var importsState: Bool { module.exportNames.contains(WasmGuestExports.importState) }

    /// Calls `hypermesh_export_state` (the state is the outcome's output); `nil` if not exported.
    public func exportState() throws(WasmError) -> WasmCallOutcome? {
        guard exportsState else { return nil }
        return try enter { (live) throws(WasmError) -> UInt32 in
            guard let entry = live.exportState else { return 0 }
            return try self.invokeStatus(entry, [])
        }
    }

    /// Calls `hypermesh_import_state(state_ptr, state_len)`; `nil` if not exported.
    public func importState(_ state: [UInt8]) throws(WasmError) -> WasmCallOutcome? {
        guard importsState else { return nil }
        return try enter { (live) throws(WasmError) -> UInt32 in
            guard let entry = live.importState else { return 0 }
            let buffer = try self.requestBuffer(live, count: state.count)
            try live.memory.write(state, at: buffer, "the state")
            return try self.invokeStatus(entry, [.i32(buffer), .i32(UInt32(state.count))])
        }
    }

    /// Drops the instance (and any spare). The guest makes a fresh one at its next entry.
    public func discard() {
        live = nil
        spare = nil
        state.memory = nil
    }

    /// Whether a fresh instance is ready for the next entry (made after the last trap).
    public var hasSpareInstance: Bool { spare != nil }

    // MARK: - Entries

    private func enter(_ body: (LiveInstance) throws(WasmError) -> UInt32) throws(WasmError) -> WasmCallOutcome {
        state.begin(deadlineNanoseconds: limits.deadlineNanoseconds)
        let store: Store
        let status: UInt32
        do throws(WasmError) {
            let current: LiveInstance
            if let live {
                current = live
                current.store.fuel = Fuel(remaining: limits.fuelPerCall)
            } else {
                if let ready = spare {
                    current = ready
                } else {
                    current = try instantiate()
                }
                spare = nil
                current.store.fuel = Fuel(remaining: limits.fuelPerCall)
                state.memory = current.memory
                live = current
                if activated, let activate = current.activate {
                    let restarted = try invokeStatus(activate, [])
                    guard restarted == 0 else {
                        throw WasmError(.trap, "the fresh instance after a trap failed to activate (status \(restarted))",
                                        cause: state.errorMessage)
                    }
                }
            }
            store = current.store
            status = try body(current)
        } catch {
            recordFuel(live?.store)
            discard()
            if error.code.isTrap {
                // The next entry takes this one: a fresh instance, already instantiated and
                // translated (eager compilation, see WasmEngines). One that fails to instantiate
                // is left to the next entry, which reports why.
                state.begin(deadlineNanoseconds: limits.deadlineNanoseconds)
                spare = try? instantiate()
                state.memory = nil
            }
            throw error
        }
        recordFuel(store)
        return WasmCallOutcome(status: Int32(bitPattern: status), output: state.output,
                               errorMessage: state.errorMessage, fuelUsed: lastFuelUsed)
    }

    private func recordFuel(_ store: Store?) {
        guard let remaining = store?.fuel?.remaining else { lastFuelUsed = 0; return }
        lastFuelUsed = limits.fuelPerCall >= remaining ? limits.fuelPerCall - remaining : 0
    }

    private func invokeStatus(_ function: Function, _ arguments: [Value]) throws(WasmError) -> UInt32 {
        let results: [Value]
        do {
            results = try function.invoke(arguments, on: &stack)
        } catch {
            throw WasmTrapClassifier.classify(error, during: "the guest")
        }
        guard results.count == 1, case .i32(let status) = results[0] else {
            throw WasmError(.missingExport, "a guest entry returned \(results) instead of one i32 status")
        }
        return status
    }

    /// The host-owned request buffer, grown with `hypermesh_alloc` when `count` does not fit.
    private func requestBuffer(_ live: LiveInstance, count: Int) throws(WasmError) -> UInt32 {
        guard count <= Int(Int32.max) else {
            throw WasmError(.outOfBounds, "a request of \(count) bytes does not fit a 32-bit memory")
        }
        if count <= live.requestCapacity, live.requestOffset != 0 { return live.requestOffset }
        let capacity = max(UInt32(count), 256)
        let results: [Value]
        do {
            results = try live.alloc.invoke([.i32(capacity)], on: &stack)
        } catch {
            throw WasmTrapClassifier.classify(error, during: "hypermesh_alloc")
        }
        guard results.count == 1, case .i32(let offset) = results[0], offset != 0 else {
            throw WasmError(.trap, "hypermesh_alloc could not allocate \(capacity) bytes for the request (returned 0)")
        }
        try live.memory.check(offset, capacity, "the request buffer hypermesh_alloc returned")
        live.requestOffset = offset
        live.requestCapacity = Int(capacity)
        return offset
    }

    // MARK: - Instances

    private func instantiate() throws(WasmError) -> LiveInstance {
        let store = Store(engine: engine)
        store.resourceLimiter = WasmMemoryLimiter(memoryBytes: limits.memoryBytes, tableElements: limits.tableElements)
        store.fuel = Fuel(remaining: limits.fuelPerCall)
        let imports = WasmImportLinker.imports(self.imports, store: store, state: state, bindings: bindings)
        let instance: Instance
        do {
            instance = try module.module.instantiate(store: store, imports: imports)
        } catch {
            let classified = WasmTrapClassifier.classify(error, during: "instantiating the module")
            if classified.code == .hostError || classified.code == .malformedModule {
                throw WasmError(.importRefused, "the module cannot be linked to the host functions (an import with the wrong signature?)",
                                cause: "\(error)")
            }
            throw classified
        }
        instancesCreated += 1
        let created = try LiveInstance(instance: instance, store: store, state: state)
        return created
    }
}
