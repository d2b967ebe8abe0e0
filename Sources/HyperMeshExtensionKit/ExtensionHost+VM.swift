internal import CHyperMeshABI

/// Running WebAssembly modules in the host's VM (capability `vmExecution`).
extension ExtensionHost {
    /// The answer of a module run with ``vmExecute(module:method:input:fuel:memoryBytes:)``.
    public struct VMResult: Sendable, Equatable {
        /// What the module's method set as its output.
        public let output: [UInt8]
        /// The fuel the run used (about one unit per WebAssembly instruction).
        public let fuelUsed: UInt64
    }

    /// Runs `method` of the WebAssembly `module` (guest ABI of docs/wasm-abi.md) with `input`, on a
    /// fresh instance that gets no capability. `fuel` and `memoryBytes` of 0 mean the host default
    /// (this extension's own CPU and memory quotas); larger requests are cut to it.
    ///
    /// Errors: the module's own status and message; `QUOTA_EXCEEDED` when it runs out of fuel,
    /// memory or time; `INVALID_ARGUMENT` for a malformed module, a refused import or a trap; the
    /// message starts with the `wasm.*` code. `UNAVAILABLE` from a host without this function.
    public func vmExecute(module: [UInt8], method: String, input: [UInt8], fuel: UInt64 = 0, memoryBytes: UInt64 = 0) throws(ExtensionError) -> VMResult {
        let api = table.api.pointee
        guard Int(api.struct_size) >= MemoryLayout<hypermesh_host_api>.offset(of: \.vm_execute)! + MemoryLayout<UnsafeRawPointer>.size else {
            throw .unavailable("the host provides no vm_execute function (its host API table predates it)")
        }
        let execute = try function(api.vm_execute, "vm_execute")
        var budget = hypermesh_vm_budget(struct_size: UInt32(MemoryLayout<hypermesh_vm_budget>.size), reserved: 0, fuel: fuel, memory_bytes: memoryBytes)
        var output = hypermesh_bytes(data: nil, len: 0)
        var fuelUsed: UInt64 = 0
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = module.withUnsafeBufferPointer { moduleBytes in
            Self.withText(method) { methodPointer, methodLength in
                input.withUnsafeBufferPointer { inputBytes in
                    execute(context, moduleBytes.baseAddress, moduleBytes.count, methodPointer, methodLength,
                            inputBytes.baseAddress, inputBytes.count, &budget, &output, &fuelUsed, &error)
                }
            }
        }
        let bytes = table.take(output)
        try table.check(status, error, operation: "vm_execute")
        return VMResult(output: bytes, fuelUsed: fuelUsed)
    }
}
