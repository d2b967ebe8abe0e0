/// How an extension's payload is run.
public enum ExtensionKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// A shared library (`.so` on Linux, `.dylib` on macOS) with the three C entry points.
    case native
    /// A WebAssembly module run by the host's VM.
    case wasm
}
