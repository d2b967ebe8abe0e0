import WasmKit

/// One WasmKit instance of a guest with its exports looked up and type-checked once.
final class LiveInstance {
    let store: Store
    let instance: Instance
    let memory: GuestMemory
    let alloc: Function
    let handle: Function
    let activate: Function?
    let deactivate: Function?
    let health: Function?
    let exportState: Function?
    let importState: Function?
    /// The host's request buffer in guest memory (0 until the first call).
    var requestOffset: UInt32 = 0
    var requestCapacity = 0

    init(instance: Instance, store: Store, state: WasmCallState) throws(WasmError) {
        self.store = store
        self.instance = instance
        guard let memory = instance.exports[memory: WasmGuestExports.memory] else {
            throw WasmError(.missingExport, "the module does not export a memory named '\(WasmGuestExports.memory)'")
        }
        let alloc = try Self.function(instance, WasmGuestExports.alloc, parameters: 1)
        self.alloc = alloc
        self.handle = try Self.function(instance, WasmGuestExports.handle, parameters: 4)
        self.activate = try Self.optionalFunction(instance, WasmGuestExports.activate)
        self.deactivate = try Self.optionalFunction(instance, WasmGuestExports.deactivate)
        self.health = try Self.optionalFunction(instance, WasmGuestExports.health)
        self.exportState = try Self.optionalFunction(instance, WasmGuestExports.exportState)
        self.importState = try Self.optionalFunction(instance, WasmGuestExports.importState, parameters: 2)
        self.memory = GuestMemory(memory: memory) { [unowned state] (length) throws(WasmError) -> UInt32 in
            state.inAllocator = true
            defer { state.inAllocator = false }
            let results: [Value]
            do {
                results = try alloc.invoke([.i32(length)])
            } catch {
                throw WasmTrapClassifier.classify(error, during: "hypermesh_alloc")
            }
            guard results.count == 1, case .i32(let offset) = results[0], offset != 0 else {
                throw WasmError(.trap, "hypermesh_alloc could not allocate \(length) bytes for a host function's result (returned 0)")
            }
            return offset
        }
        state.memory = self.memory
    }

    private static func function(_ instance: Instance, _ name: String, parameters: Int) throws(WasmError) -> Function {
        guard let function = instance.exports[function: name] else {
            throw WasmError(.missingExport, "the module does not export a function named '\(name)'")
        }
        let expected = FunctionType(parameters: Array(repeating: .i32, count: parameters), results: [.i32])
        guard function.type == expected else {
            throw WasmError(.missingExport, "'\(name)' has the type \(function.type); the guest ABI requires \(expected)")
        }
        return function
    }

    private static func optionalFunction(_ instance: Instance, _ name: String, parameters: Int = 0) throws(WasmError) -> Function? {
        guard instance.exports[function: name] != nil else { return nil }
        return try function(instance, name, parameters: parameters)
    }
}
