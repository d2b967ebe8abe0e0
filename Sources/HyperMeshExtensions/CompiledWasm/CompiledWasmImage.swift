import Foundation
import HyperMeshManifest
import HyperMeshTrust
import HyperMeshWasm

/// A wasm extension on the compiled tier, loaded: the module read and checked exactly as for the
/// interpreter (``WasmImage``: its digest against the manifest, its imports against the declared
/// capabilities), compiled once per cache key (``WasmModuleCompiler``), and a private copy of the
/// library made for the worker that maps it (``ShadowCopy``, removed when the image is released).
final class CompiledWasmImage: Sendable {
    /// The checked module (imports, exports and digest for `ext inspect`).
    let wasm: WasmImage
    /// The private copy a worker maps.
    let libraryPath: String
    let cacheKey: String
    /// Whether this load compiled the module (false: the cache had it), and how long that took.
    let compiledNow: Bool
    let compileSeconds: Double
    /// The linear memory limit baked into the library (the extension's `memoryBytes`, else 64 MiB).
    let memoryLimitBytes: UInt64

    init(package: DiscoveredPackage, quotas: Quotas, toolchain: WasmCompilerToolchain, stateDirectory: URL) throws(ExtensionError) {
        let manifest = package.manifest
        wasm = try WasmImage(package: package)
        memoryLimitBytes = quotas.memoryBytes ?? WasmLimits.defaultMemoryBytes
        let cacheDirectory = stateDirectory.appendingPathComponent("compiled-wasm")
        do {
            try FileManager.default.createDirectory(at: cacheDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ExtensionError(.wasmCompileFailed, extensionID: manifest.id, "cannot create the compiled module cache \(cacheDirectory.path)", cause: "\(error)")
        }
        let bytes: [UInt8]
        do throws(RegularFileError) {
            bytes = Array(try RegularFile.contents(of: package.payload.path))
        } catch {
            throw ExtensionError(.libraryOpenFailed, extensionID: manifest.id, "cannot read the module \(package.payload.path)", cause: error.description)
        }
        guard FileDigest.sha256Hex(of: bytes) == wasm.module.digest else {
            throw ExtensionError(.invalidPackage, extensionID: manifest.id, "the module \(manifest.entry) changed while it was loaded")
        }
        let library = try WasmModuleCompiler.library(
            module: bytes, digest: wasm.module.digest, manifest: manifest, memoryLimitBytes: memoryLimitBytes,
            tableLimit: WasmLimits.defaultTableElements, toolchain: toolchain, cacheDirectory: cacheDirectory)
        cacheKey = library.cacheKey
        compiledNow = library.compiledNow
        compileSeconds = library.compileSeconds
        libraryPath = try Self.privateCopy(of: library.path, manifest: manifest, stateDirectory: stateDirectory).path
    }

    /// Copies the cached library into a new shadow folder, checking its bytes against the digest
    /// stored beside it as they are copied.
    private static func privateCopy(of library: URL, manifest: Manifest, stateDirectory: URL) throws(ExtensionError) -> URL {
        let id = manifest.id
        let bytes: Data
        let expected: String
        do {
            bytes = try Data(contentsOf: library)
            expected = try String(contentsOf: library.appendingPathExtension("sha256"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw ExtensionError(.wasmCompileFailed, extensionID: id, "cannot read the compiled library \(library.path)", cause: "\(error)")
        }
        guard FileDigest.sha256Hex(of: bytes) == expected else {
            throw ExtensionError(.wasmCompileFailed, extensionID: id, "the compiled library \(library.path) no longer matches its digest; remove it to compile again")
        }
        let copy = try ShadowCopy.newFolder(stateDirectory: stateDirectory, extensionID: id, version: manifest.version.description)
            .appendingPathComponent("compiled.so")
        do {
            try bytes.write(to: copy, options: .withoutOverwriting)
            try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: copy.path)
        } catch {
            ShadowCopy.remove(copy, stateDirectory: stateDirectory)
            throw ExtensionError(.wasmCompileFailed, extensionID: id, "cannot write the private copy \(copy.path) of the compiled library", cause: "\(error)")
        }
        return copy
    }
}

/// Which engine runs a wasm extension, and why (for `ext inspect` and the log).
public struct WasmEngineChoice: Sendable, Codable, Hashable {
    /// The engine that runs it.
    public var engine: WasmEngine
    /// The engine asked for (by the manifest or the policy).
    public var requested: WasmEngine
    /// Why: who asked, and for a fallback what was missing.
    public var reason: String

    /// The choice for `requested` (decided by `decidedBy`) given the toolchain of this process.
    static func choose(requested: WasmEngine, decidedBy: String,
                       toolchain: Result<WasmCompilerToolchain, WasmCompilerUnavailable>) -> (WasmEngineChoice, WasmCompilerToolchain?) {
        guard requested == .compiled else {
            return (WasmEngineChoice(engine: .interpreted, requested: requested, reason: "interpreted: \(decidedBy)"), nil)
        }
        switch toolchain {
        case .success(let tools):
            return (WasmEngineChoice(engine: .compiled, requested: .compiled, reason: "compiled: asked by \(decidedBy)"), tools)
        case .failure(let unavailable):
            return (WasmEngineChoice(engine: .interpreted, requested: .compiled,
                                     reason: "interpreted: \(decidedBy) asked for compiled, but \(unavailable.reason)"), nil)
        }
    }
}
