import CHyperMeshABI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A native extension library mapped into the host process, with its three entry points resolved.
///
/// This is the only type that calls `dlopen`, `dlsym` and `dlclose`. Images are opened with
/// `RTLD_NOW | RTLD_LOCAL`, so an extension's symbols never satisfy another's. If the library
/// depends on the Swift runtime it is pinned with `RTLD_NODELETE`: Swift code cannot be unmapped
/// safely (the runtime keeps pointers into its metadata), so ``close()`` on a Swift image drops the
/// handle but leaves the code mapped. C images are really unmapped by ``close()`` once nothing
/// else holds them.
///
/// Not thread-safe to close while instances created from it are alive: the owner (an
/// ``ExtensionInstance``) destroys every instance first.
public final class NativeImage: @unchecked Sendable {
    /// The path the library was opened from.
    public let path: String
    /// Whether the library pulls in the Swift runtime (and therefore stays mapped after close).
    public let usesSwiftRuntime: Bool
    /// What the library reports about itself.
    public let metadata: NativeMetadata

    let create: hypermesh_extension_create_fn
    let destroy: hypermesh_extension_destroy_fn
    private var handle: UnsafeMutableRawPointer?

    /// Opens the library at `path` and resolves the entry points. Throws a typed error naming the
    /// extension (`extensionID`, for messages) and carrying `dlerror()` for every failure.
    public init(path: String, extensionID: String) throws(ExtensionError) {
        _ = dlerror()
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw ExtensionError(.libraryOpenFailed, extensionID: extensionID,
                                 "cannot load the library \(path)", cause: Self.lastError())
        }
        // A library that depends on the Swift runtime finds `swift_retain` in its dependency tree.
        let usesSwift = dlsym(handle, "swift_retain") != nil
        if usesSwift {
            // Promote the already-loaded image to NODELETE; this never loads anything new.
            _ = dlopen(path, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE)
        }
        func symbol(_ name: String) throws(ExtensionError) -> UnsafeMutableRawPointer {
            _ = dlerror()
            guard let pointer = dlsym(handle, name) else {
                let cause = Self.lastError()
                dlclose(handle)
                throw ExtensionError(.symbolMissing, extensionID: extensionID,
                                     "the library \(path) does not export \(name); export it with C linkage (see hypermesh_extension.h)",
                                     cause: cause)
            }
            return pointer
        }
        let metadataFunction = unsafeBitCast(try symbol(HYPERMESH_SYMBOL_METADATA), to: hypermesh_extension_metadata_fn.self)
        let create = unsafeBitCast(try symbol(HYPERMESH_SYMBOL_CREATE), to: hypermesh_extension_create_fn.self)
        let destroy = unsafeBitCast(try symbol(HYPERMESH_SYMBOL_DESTROY), to: hypermesh_extension_destroy_fn.self)
        guard let metadata = NativeMetadata(metadataFunction()) else {
            dlclose(handle)
            throw ExtensionError(.metadataMismatch, extensionID: extensionID,
                                 "hypermesh_extension_metadata() of \(path) returned NULL, a struct too small, or a NULL id/version")
        }
        self.path = path
        self.usesSwiftRuntime = usesSwift
        self.metadata = metadata
        self.create = create
        self.destroy = destroy
        self.handle = handle
    }

    /// Drops the handle. For C images this unmaps the library once no other handle holds it; for
    /// Swift images (`RTLD_NODELETE`) the code stays mapped. Idempotent.
    public func close() {
        guard let handle else { return }
        dlclose(handle)
        self.handle = nil
    }

    public var isOpen: Bool { handle != nil }

    deinit { close() }

    private static func lastError() -> String {
        dlerror().map { String(cString: $0) } ?? "unknown dynamic loader error"
    }
}

/// The library's own description, copied out of its static `hypermesh_extension_metadata_t`.
public struct NativeMetadata: Sendable, Hashable {
    public let abiVersion: UInt32
    public let id: String
    public let version: String
    public let name: String?

    init?(_ pointer: UnsafePointer<hypermesh_extension_metadata_t>?) {
        guard let raw = pointer?.pointee else { return nil }
        let minimumSize = MemoryLayout<hypermesh_extension_metadata_t>.offset(of: \.version)! + MemoryLayout<UnsafePointer<CChar>?>.size
        guard Int(raw.struct_size) >= minimumSize, let id = raw.id, let version = raw.version else { return nil }
        abiVersion = raw.abi_version
        self.id = String(cString: id)
        self.version = String(cString: version)
        let hasName = Int(raw.struct_size) >= MemoryLayout<hypermesh_extension_metadata_t>.offset(of: \.name)! + MemoryLayout<UnsafePointer<CChar>?>.size
        name = hasName ? raw.name.map { String(cString: $0) } : nil
    }
}
