/// How the host runs a WebAssembly extension. The manifest's `"engine"` asks for one; a policy
/// rule's `"engine"` overrides it; without either, ``interpreted``.
public enum WasmEngine: String, Sendable, Hashable, CaseIterable, Codable {
    /// WasmKit's interpreter in the host's process: fuel per instruction, the default, and always
    /// available.
    case interpreted
    /// The module translated to C (`wasm2c`) and compiled to native code (`clang -O2`), once per
    /// module, then run in an isolated worker process. Much faster on compute; fuel is not counted
    /// (the worker's deadline and limits stop what fuel would). Falls back to ``interpreted``,
    /// reported, where the compilers are not installed.
    case compiled
}
