import WasmKit

/// Builds the `hypermesh` and `app` import modules for one store: a WasmKit host function per import the
/// module uses. Every function first checks the call's deadline, then either handles the import
/// itself (`output`, `error_message`, `last_error`) or hands it to the host's ``WasmHostBindings``.
enum WasmImportLinker {
    static func imports(
        _ used: [WasmHostImport], store: Store, state: WasmCallState, bindings: any WasmHostBindings
    ) -> Imports {
        var imports = Imports()
        for function in Set(used) {
            let body = hostFunction(function, state: state, bindings: bindings)
            imports.define(module: function.module, name: function.name, Function(
                store: store,
                parameters: Array(repeating: .i32, count: function.parameterCount),
                results: function.returnsStatus ? [.i32] : [],
                raw: body))
        }
        return imports
    }

    private static func hostFunction(
        _ function: WasmHostImport, state: WasmCallState, bindings: any WasmHostBindings
    ) -> Function.RawImplementation {
        { _, parameters, results in
            guard WasmCallState.now() <= state.deadline else {
                throw WasmError(.deadlineExceeded, "the call passed its deadline; stopped at its call to \(function.qualifiedName)")
            }
            guard !state.inAllocator else {
                throw WasmError(.trap, "hypermesh_alloc called the host function \(function.name); the allocator may not call the host")
            }
            guard let memory = state.memory else {
                throw WasmError(.trap, "\(function.name) was called before the module's memory was available (from its start function?)")
            }
            var arguments = [UInt32](repeating: 0, count: function.parameterCount)
            for index in 0..<function.parameterCount {
                guard case .i32(let value) = parameters[index] else {
                    throw WasmError(.trap, "\(function.name) received a non-i32 argument")
                }
                arguments[index] = value
            }
            let result = try run(function, arguments, memory: memory, state: state, bindings: bindings)
            if result.status != 0 { state.lastHostError = result.message ?? "\(function.name) failed with status \(result.status)" }
            if function.returnsStatus { results[0] = .i32(UInt32(bitPattern: result.status)) }
        }
    }

    private static func run(
        _ function: WasmHostImport, _ arguments: [UInt32], memory: GuestMemory,
        state: WasmCallState, bindings: any WasmHostBindings
    ) throws(WasmError) -> WasmHostResult {
        guard function.isRuntime else { return try bindings.invoke(function, arguments, memory: memory) }
        switch function.name {
        case WasmHostImport.output.name:
            state.output = try memory.bytes(arguments[0], arguments[1], "the output")
            return .ok
        case WasmHostImport.errorMessage.name:
            let bytes = try memory.bytes(arguments[0], arguments[1], "the error message")
            state.errorMessage = String(decoding: bytes, as: UTF8.self)
            return .ok
        default:
            guard let message = state.lastHostError else { return WasmHostResult(status: 2, message: "no host function failed in this call") }
            let offset = try memory.place(Array(message.utf8))
            try memory.writeUInt32(offset, at: arguments[0], "last_error's out_ptr")
            try memory.writeUInt32(UInt32(message.utf8.count), at: arguments[1], "last_error's out_len")
            return .ok
        }
    }
}
