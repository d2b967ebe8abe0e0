import Foundation
import HyperMeshManifest
import HyperMeshTrust
import HyperMeshWasm

/// A WebAssembly extension's module, loaded: read from the package, checked against the digest
/// verification saw, parsed through the process-wide ``WasmModuleCache``, and its imports checked
/// against the manifest's declared capabilities.
final class WasmImage: Sendable {
    let module: WasmModule
    /// The host functions the module imports.
    let imports: [WasmHostImport]
    /// The manifest's capabilities (an app import's capability is checked again at instantiation).
    let declared: Set<Capability>

    init(package: DiscoveredPackage, cache: WasmModuleCache = .shared) throws(ExtensionError) {
        let manifest = package.manifest
        let id = manifest.id
        let bytes: [UInt8]
        do throws(RegularFileError) {
            bytes = Array(try RegularFile.contents(of: package.payload.path))
        } catch {
            if case .notRegular = error {
                throw ExtensionError(.invalidPackage, extensionID: id, "the module \(manifest.entry) is not a regular file any more", cause: error.description)
            }
            throw ExtensionError(.libraryOpenFailed, extensionID: id, "cannot read the module \(package.payload.path)", cause: error.description)
        }
        let declared = Set(manifest.capabilities)
        self.declared = declared
        let digest = FileDigest.sha256Hex(of: bytes)
        if let listed = manifest.files[manifest.entry], listed.lowercased() != digest {
            throw ExtensionError(.invalidPackage, extensionID: id,
                                 "the module \(manifest.entry) changed after verification: its SHA-256 is \(digest), the manifest lists \(listed)")
        }
        do throws(WasmError) {
            module = try cache.module(digest: digest) { bytes }
            imports = try module.hostImports(declared: declared, offered: WasmHostFunctions.offered)
        } catch {
            throw ExtensionError(wasm: error, extensionID: id)
        }
    }
}

extension ExtensionError {
    /// The ``ExtensionError`` for a ``WasmError``: the same code (`wasm.…`), message and cause.
    init(wasm error: WasmError, extensionID: String) {
        self.init(ExtensionErrorCode(rawValue: error.code.rawValue) ?? .wasmTrap, extensionID: extensionID, error.message, cause: error.cause)
    }
}
