import CHyperMeshABI
import HyperMeshManifest
import HyperMeshWasm

/// The wasm view of the host functions, derived from their declarations (``HostFunction``):
/// module `hypermesh` for the built-in ones, `app` for an application's. Each parameter is an
/// `i32` (an ``HostFunction/Parameter/int32(_:)``) or a pointer and a length (text and bytes); a
/// function with output takes two more, the `out_ptr` and `out_len` cells; it returns an `i32`
/// status unless its result is ``HostFunction/Result/none`` (`log`).
enum WasmHostFunctions {
    /// The import a module may name, as known before an instance exists: the built-in functions
    /// offered to wasm, and any valid app name (guarded by `app:<name>`; whether the host offers
    /// it is settled when the instance is made). `slot` is resolved by ``WasmHostFunctionBindings``.
    static func offered(module: String, name: String) -> WasmHostImport? {
        switch module {
        case WasmHostImport.moduleName:
            guard let function = HostFunctionTable.builtIn.function(.hypermesh, name), function.offeredToWasm else { return nil }
            return function.wasmImport(slot: 0)
        case WasmHostImport.appModuleName:
            guard let capability = Capability.app(name) else { return nil }
            return WasmHostImport(module: module, name: name, parameterCount: 4, returnsStatus: true, capability: capability, slot: 0)
        default:
            return nil
        }
    }

    /// What a module run by `vm_execute` may import besides the runtime's own: `log` alone.
    static func offeredToExecutedModules(module: String, name: String) -> WasmHostImport? {
        guard module == WasmHostImport.moduleName, name == "log" else { return nil }
        return offered(module: module, name: name)
    }
}

extension HostFunction {
    /// The function's wasm import, at `slot` of its bindings.
    func wasmImport(slot: Int) -> WasmHostImport {
        let pointers = parameters.reduce(0) { count, parameter in
            if case .int32 = parameter { count + 1 } else { count + 2 }
        }
        return WasmHostImport(module: namespace == .app ? WasmHostImport.appModuleName : WasmHostImport.moduleName, name: name,
                              parameterCount: pointers + (result == .bytes ? 2 : 0), returnsStatus: result != .none,
                              capability: capability, slot: slot)
    }
}

/// Answers a guest's host imports with the declarations of its ``HostContext``, through
/// ``HostFunctionCall``: the same capability, rate and quota checks, the same audit records and
/// violations as for a native or an isolated extension.
///
/// Arguments are copied out of guest memory after a bounds check (a bad pointer is
/// `wasm.out_of_bounds`, before the host acts); the `out_ptr`/`out_len` cells are checked before
/// the function runs, so an effect never happens for a call that then traps on its result cells.
/// An app function the host does not offer is linked to one that answers UNAVAILABLE (after
/// admission against `app:<name>`), as it is for the other transports.
final class WasmHostFunctionBindings: WasmHostBindings {
    let context: HostContext
    /// The imports with their `slot` set to an index of `functions`.
    let imports: [WasmHostImport]
    private let functions: [Resolved]

    /// A function and the labels of its parameters for out-of-bounds messages (made once, not per call).
    private struct Resolved: Sendable {
        let function: HostFunction
        let labels: [String]
    }

    /// Resolves `imports` (from ``WasmModule/hostImports(declared:offered:)``) against `context`'s
    /// functions. Fails with `wasm.import_refused` if an app function the host offers is guarded by
    /// a capability the manifest does not declare, or if its signature is not the import's.
    init(context: HostContext, imports: [WasmHostImport], declared: Set<Capability>) throws(WasmError) {
        self.context = context
        var resolvedImports: [WasmHostImport] = []
        var functions: [Resolved] = []
        for wanted in imports {
            guard !wanted.isRuntime else {
                resolvedImports.append(wanted)
                continue
            }
            let function: HostFunction
            if wanted.module == WasmHostImport.appModuleName {
                do throws(HostCallFailure) {
                    function = try context.functions.app(wanted.name)
                } catch {
                    throw WasmError(.importRefused, "the module imports '\(wanted.qualifiedName)': \(error.message)")
                }
            } else if let builtIn = context.functions.function(.hypermesh, wanted.name), builtIn.offeredToWasm {
                function = builtIn
            } else {
                throw WasmError(.importRefused, "the module imports '\(wanted.qualifiedName)', which the host does not provide")
            }
            if let capability = function.capability, !declared.contains(capability) {
                throw WasmError(.importRefused, "the module imports '\(wanted.qualifiedName)', which needs the capability '\(capability.rawValue)' that the manifest does not declare")
            }
            let resolved = function.wasmImport(slot: functions.count)
            guard resolved.parameterCount == wanted.parameterCount, resolved.returnsStatus == wanted.returnsStatus else {
                throw WasmError(.importRefused, "the host's '\(wanted.qualifiedName)' is \(resolved.signature), not \(wanted.signature)")
            }
            functions.append(Resolved(function: function, labels: function.parameters.map { "the \($0.name)" }))
            resolvedImports.append(resolved)
        }
        self.imports = resolvedImports
        self.functions = functions
    }

    func invoke(_ wanted: WasmHostImport, _ a: [UInt32], memory: GuestMemory) throws(WasmError) -> WasmHostResult {
        let resolved = functions[wanted.slot]
        let function = resolved.function
        var arguments: [[UInt8]] = []
        arguments.reserveCapacity(function.parameters.count)
        var next = 0
        for (index, parameter) in function.parameters.enumerated() {
            if case .int32 = parameter {
                arguments.append(HostLittleEndian.bytes(Int32(bitPattern: a[next])))
                next += 1
            } else {
                arguments.append(try memory.bytes(a[next], a[next + 1], resolved.labels[index]))
                next += 2
            }
        }
        guard function.result == .bytes else {
            let outcome = HostFunctionCall.run(function, context: context, arguments: arguments)
            return WasmHostResult(status: outcome.status, message: outcome.status == HYPERMESH_OK ? nil : outcome.message)
        }
        let outPointer = a[next], outLength = a[next + 1]
        try memory.check(outPointer, 4, "out_ptr")
        try memory.check(outLength, 4, "out_len")
        let outcome = HostFunctionCall.run(function, context: context, arguments: arguments)
        guard outcome.status == HYPERMESH_OK else { return WasmHostResult(status: outcome.status, message: outcome.message) }
        // An empty result is (0, 0): no block is allocated in the guest for it.
        let offset = outcome.output.isEmpty ? 0 : try memory.place(outcome.output)
        try memory.writeUInt32(offset, at: outPointer, "out_ptr")
        try memory.writeUInt32(UInt32(outcome.output.count), at: outLength, "out_len")
        return .ok
    }
}
