import HyperMeshManifest

/// One function a guest may import: its module and name, its signature (every parameter is an
/// `i32`; it returns an `i32` status or nothing) and the capability it needs.
///
/// The wasm runtime answers three imports itself (``runtime``: `hypermesh.output`,
/// `hypermesh.error_message`, `hypermesh.last_error`). Every other one is offered by the host
/// (see ``WasmModule/hostImports(declared:offered:)``), which derives them from its host
/// function declarations and answers them through its ``WasmHostBindings``; `slot` is the host's
/// own index of the function, so a binding finds it without a look-up by name.
public struct WasmHostImport: Sendable, Hashable, CustomStringConvertible {
    /// The import module (`hypermesh` for the built-in functions, `app` for an application's).
    public let module: String
    /// The function's name in its module.
    public let name: String
    /// How many `i32` parameters it takes.
    public let parameterCount: Int
    /// Whether it returns an `i32` status (`output`, `error_message` and `log` return nothing).
    public let returnsStatus: Bool
    /// The capability the manifest must declare for a module to import it; `nil` for the
    /// functions every guest may use.
    public let capability: Capability?
    /// The host's index of the function (-1 for the runtime's own imports).
    public let slot: Int

    public init(module: String, name: String, parameterCount: Int, returnsStatus: Bool, capability: Capability?, slot: Int) {
        self.module = module
        self.name = name
        self.parameterCount = parameterCount
        self.returnsStatus = returnsStatus
        self.capability = capability
        self.slot = slot
    }

    /// The module of the built-in functions.
    public static let moduleName = "hypermesh"
    /// The module of an application's functions.
    public static let appModuleName = "app"

    /// `output(ptr, len)`: the guest's output for this call.
    public static let output = WasmHostImport(module: moduleName, name: "output", parameterCount: 2, returnsStatus: false, capability: nil, slot: -1)
    /// `error_message(ptr, len)`: the message that goes with a non-zero status.
    public static let errorMessage = WasmHostImport(module: moduleName, name: "error_message", parameterCount: 2, returnsStatus: false, capability: nil, slot: -1)
    /// `last_error(out_ptr, out_len) -> i32`: the message of the last host function that failed.
    public static let lastError = WasmHostImport(module: moduleName, name: "last_error", parameterCount: 2, returnsStatus: true, capability: nil, slot: -1)

    /// The imports the wasm runtime answers itself.
    public static let runtime: [WasmHostImport] = [output, errorMessage, lastError]

    /// Whether the wasm runtime answers it (rather than the host's bindings).
    public var isRuntime: Bool { slot < 0 }

    /// `module.name`.
    public var qualifiedName: String { "\(module).\(name)" }

    public var description: String { qualifiedName }

    /// The signature as text, for messages: `(i32, i32) -> i32`.
    public var signature: String {
        "(" + Array(repeating: "i32", count: parameterCount).joined(separator: ", ") + ")" + (returnsStatus ? " -> i32" : "")
    }
}
