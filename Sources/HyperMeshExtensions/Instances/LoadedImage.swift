import HyperMeshManifest

/// What the registry mapped or parsed for a loaded extension: a native library, a WebAssembly
/// module (from the process-wide module cache), or the path of a library an isolated worker maps.
enum LoadedImage: Sendable {
    case native(NativeImage)
    case wasm(WasmImage)
    /// A native library that a worker process maps (the host never does).
    case isolated(libraryPath: String)
    /// A wasm module compiled to a native library, which a worker process maps.
    case compiledWasm(CompiledWasmImage)

    /// Releases the image: a native library is closed (unmapped unless it uses the Swift runtime);
    /// a wasm module is left to the cache.
    func close() {
        if case .native(let image) = self { image.close() }
    }

    /// Where a loaded native image runs (nil for wasm).
    var isolation: Isolation? {
        switch self {
        case .native: return .inProcess
        case .isolated, .compiledWasm: return .process
        case .wasm: return nil
        }
    }

    /// Whether the image stays mapped after close (native libraries that use the Swift runtime).
    var usesSwiftRuntime: Bool {
        if case .native(let image) = self { return image.usesSwiftRuntime }
        return false
    }
}
