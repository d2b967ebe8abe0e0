import HyperMeshManifest
import WasmKit

/// A parsed WebAssembly module, ready to be instantiated any number of times. Parsing checks the
/// binary format and the module's structure; WasmKit translates (and validates) each function body
/// on its first call in an instance, so a body that fails validation fails that call with
/// ``WasmErrorCode/malformedModule``.
public struct WasmModule: Sendable {
    /// SHA-256 of the module's bytes (hex), the key of ``WasmModuleCache``.
    public let digest: String
    /// Size of the module in bytes.
    public let byteCount: Int
    let module: Module

    /// Parses `bytes`. Errors are ``WasmErrorCode/malformedModule`` with WasmKit's reason.
    public init(bytes: [UInt8], digest: String) throws(WasmError) {
        do {
            module = try parseWasm(bytes: bytes)
        } catch {
            throw WasmError(.malformedModule, "the file is not a valid WebAssembly module", cause: "\(error)")
        }
        self.digest = digest
        self.byteCount = bytes.count
        for name in WasmGuestExports.required where !module.exports.contains(where: { $0.name == name }) {
            throw WasmError(.missingExport, "the module does not export '\(name)', which the guest ABI requires (see docs/wasm-abi.md)")
        }
    }

    /// Every import as `module.name`, in the module's order.
    public var importNames: [String] { module.imports.map { "\($0.module).\($0.name)" } }

    /// Every export's name.
    public var exportNames: [String] { module.exports.map(\.name) }

    /// The host functions the module imports, after checking each import: it must be one of the
    /// runtime's own (``WasmHostImport/runtime``) or one `offered` finds (the host's, by module
    /// and name), and its capability must be in `declared` (the manifest's capabilities). The
    /// first import that fails is ``WasmErrorCode/importRefused``, named with the reason.
    /// Signatures are checked when the module is instantiated.
    public func hostImports(
        declared: Set<Capability>, offered: (_ module: String, _ name: String) -> WasmHostImport? = { _, _ in nil }
    ) throws(WasmError) -> [WasmHostImport] {
        var used: [WasmHostImport] = []
        for entry in module.imports {
            let name = "\(entry.module).\(entry.name)"
            guard entry.module == WasmHostImport.moduleName || entry.module == WasmHostImport.appModuleName else {
                throw WasmError(.importRefused, "the module imports '\(name)', but the host provides only functions of the modules '\(WasmHostImport.moduleName)' and '\(WasmHostImport.appModuleName)'")
            }
            guard case .function = entry.descriptor else {
                throw WasmError(.importRefused, "the module imports '\(name)' as a memory, table, global or tag; the host provides only functions")
            }
            let runtime = entry.module == WasmHostImport.moduleName ? WasmHostImport.runtime.first(where: { $0.name == entry.name }) : nil
            guard let function = runtime ?? offered(entry.module, entry.name) else {
                throw WasmError(.importRefused, "the module imports '\(name)', which the host does not provide (see docs/wasm-abi.md for the functions of '\(WasmHostImport.moduleName)' and '\(WasmHostImport.appModuleName)')")
            }
            if let capability = function.capability, !declared.contains(capability) {
                throw WasmError(.importRefused, "the module imports '\(name)', which needs the capability '\(capability.rawValue)' that the manifest does not declare")
            }
            used.append(function)
        }
        return used
    }
}
