import WasmKit

/// The floor of the wasm benchmarks: the guest module run with bare WasmKit, the way any embedder
/// would. A `Store` on the given engine, the module's two imports (`hypermesh.output` and
/// `hypermesh.error_message`, both `(i32, i32) -> ()`) as host functions that do nothing, one
/// `ExecutionStack` reused for every call, and `hypermesh_handle` called with a request placed in
/// guest memory once, in advance (``place(method:input:)``).
///
/// Nothing of ours: no limiter, no deadline, no bounds-checked `GuestMemory`, no call state, no
/// output copied back, no error classification. On a metering engine, every ``call()`` sets a fresh
/// fuel budget first (an embedder that meters does that per call too). Not thread-safe.
public final class BareWasmKitGuest {
    public let store: Store
    public let instance: Instance
    private let handle: Function
    private let alloc: Function
    private let memory: Memory
    private let metered: Bool
    private var stack: ExecutionStack
    private var arguments: [Value] = []

    /// The bare engines of the floors, configured as ``WasmEngines`` configures ours: memory
    /// bounds checked in software, with or without fuel metering.
    public static let meteredEngine = Engine(configuration: EngineConfiguration(memoryBoundsChecking: .software, fuelMetering: true))
    public static let unmeteredEngine = Engine(configuration: EngineConfiguration(memoryBoundsChecking: .software, fuelMetering: false))

    /// `parseWasm`: the floor of parsing.
    public static func parse(_ bytes: [UInt8]) throws(BenchmarkSetupError) -> Module {
        do {
            return try parseWasm(bytes: bytes)
        } catch {
            throw BenchmarkSetupError(.runtimeFailed, "WasmKit cannot parse the guest", cause: "\(error)")
        }
    }

    /// The floor of instantiation: a store, the two trivial host functions, `instantiate`. Returns
    /// the instance (its store is `instance`'s; the caller keeps neither alive beyond its use).
    @inline(__always)
    public static func instantiate(_ module: Module, engine: Engine) throws -> Instance {
        let store = Store(engine: engine)
        if engine.configuration.fuelMetering { store.fuel = Fuel(remaining: WasmFixture.fuelPerCall) }
        return try module.instantiate(store: store, imports: imports(store: store))
    }

    /// `hypermesh.output` and `hypermesh.error_message`, doing nothing.
    public static func imports(store: Store) -> Imports {
        var imports = Imports()
        for name in ["output", "error_message"] {
            imports.define(module: "hypermesh", name: name, Function(store: store, parameters: [.i32, .i32], results: [], raw: { _, _, _ in }))
        }
        return imports
    }

    /// Instantiates `module` on `engine` and looks up the exports.
    public init(module: Module, engine: Engine) throws(BenchmarkSetupError) {
        let store = Store(engine: engine)
        metered = engine.configuration.fuelMetering
        if metered { store.fuel = Fuel(remaining: WasmFixture.fuelPerCall) }
        do {
            instance = try module.instantiate(store: store, imports: Self.imports(store: store))
        } catch {
            throw BenchmarkSetupError(.runtimeFailed, "bare WasmKit cannot instantiate the guest", cause: "\(error)")
        }
        guard let handle = instance.exports[function: "hypermesh_handle"], let alloc = instance.exports[function: "hypermesh_alloc"],
              let memory = instance.exports[memory: "memory"] else {
            throw BenchmarkSetupError(.runtimeFailed, "the guest lacks hypermesh_handle, hypermesh_alloc or memory")
        }
        self.store = store
        self.handle = handle
        self.alloc = alloc
        self.memory = memory
        stack = ExecutionStack(engine: engine)
    }

    /// Allocates a request block with the guest's `hypermesh_alloc` and writes `method` then `input`
    /// into it; every following ``call()`` passes that request.
    public func place(method: String, input: [UInt8]) throws(BenchmarkSetupError) {
        let bytes = Array(method.utf8) + input
        do {
            guard case .i32(let offset) = try alloc.invoke([.i32(UInt32(max(bytes.count, 256)))], on: &stack).first, offset != 0 else {
                throw BenchmarkSetupError(.runtimeFailed, "hypermesh_alloc returned 0")
            }
            memory.withUnsafeMutableBufferPointer(offset: UInt(offset), count: bytes.count) { target in
                bytes.withUnsafeBytes { target.copyMemory(from: $0) }
            }
            let methodLength = UInt32(method.utf8.count)
            arguments = [.i32(offset), .i32(methodLength), .i32(offset + methodLength), .i32(UInt32(input.count))]
        } catch let error as BenchmarkSetupError {
            throw error
        } catch {
            throw BenchmarkSetupError(.runtimeFailed, "hypermesh_alloc trapped", cause: "\(error)")
        }
    }

    /// Calls `hypermesh_handle` with the placed request; returns its status.
    @inline(__always)
    public func call() throws -> UInt32 {
        if metered { store.fuel = Fuel(remaining: WasmFixture.fuelPerCall) }
        guard case .i32(let status) = try handle.invoke(arguments, on: &stack).first else { return .max }
        return status
    }
}
