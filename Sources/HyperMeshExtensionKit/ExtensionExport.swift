internal import CHyperMeshABI

/// The C entry points of a Swift extension library, implemented for one ``HyperMeshExtension`` type.
///
/// Declare one instance as a global constant and forward the three exported symbols to it (the
/// Kit itself exports nothing, because it is compiled into every extension library):
///
/// ```swift
/// let helloExport = ExtensionExport(HelloExtension.self, id: "org.example.hello", version: "1.0.0", name: "Hello")
///
/// @_cdecl("hypermesh_extension_metadata")
/// public func hypermeshMetadata() -> UnsafeRawPointer { helloExport.metadata }
/// @_cdecl("hypermesh_extension_create")
/// public func hypermeshCreate(_ host: UnsafeRawPointer?, _ context: OpaquePointer?, _ error: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
///     helloExport.create(host, context, error)
/// }
/// @_cdecl("hypermesh_extension_destroy")
/// public func hypermeshDestroy(_ instance: UnsafeMutableRawPointer?) { helloExport.destroy(instance) }
/// ```
///
/// The pointer types are the C ones without their names (`const hypermesh_host_api *`,
/// `hypermesh_context *`, `hypermesh_error *`, `hypermesh_extension *`), so an author does not
/// import the C module. No Swift error ever crosses the C boundary: errors become a status and a
/// `hypermesh_error`.
public final class ExtensionExport<Extension: HyperMeshExtension>: @unchecked Sendable {
    /// Points to the library's `hypermesh_extension_metadata_t`. The struct and its strings are
    /// allocated once and never freed, so they stay valid for the life of the process.
    public let metadata: UnsafeRawPointer

    /// The metadata as given: must equal the manifest's `id` and `version`.
    public let id: String
    public let version: String
    public let name: String?

    /// Describes the library. `id` and `version` must match the package manifest (the host refuses
    /// the library otherwise); `name` is for humans. The ABI version is this Kit's
    /// `HYPERMESH_ABI_VERSION`. A string containing NUL is cut at the first NUL in the C view.
    public init(_ type: Extension.Type, id: String, version: String, name: String? = nil) {
        self.id = id
        self.version = version
        self.name = name
        let storage = UnsafeMutablePointer<hypermesh_extension_metadata_t>.allocate(capacity: 1)
        storage.initialize(to: hypermesh_extension_metadata_t(
            struct_size: UInt32(MemoryLayout<hypermesh_extension_metadata_t>.size),
            abi_version: HYPERMESH_ABI_VERSION,
            id: UnsafePointer(Self.permanentCString(id)),
            version: UnsafePointer(Self.permanentCString(version)),
            name: name.map { UnsafePointer(Self.permanentCString($0)) }))
        self.metadata = UnsafeRawPointer(storage)
    }

    /// Implements `hypermesh_extension_create`: checks the host table, runs `init(host:)` and returns
    /// a `hypermesh_extension *` (or NULL with `error` filled, when the table allows it).
    public func create(
        _ host: UnsafeRawPointer?, _ context: OpaquePointer?, _ error: UnsafeMutableRawPointer?
    ) -> UnsafeMutableRawPointer? {
        let errorOut = error?.assumingMemoryBound(to: hypermesh_error.self)
        guard let host else {
            errorOut?.pointee = hypermesh_error(code: HYPERMESH_ERR_INVALID_ARGUMENT, message: nil)
            return nil
        }
        let api = host.assumingMemoryBound(to: hypermesh_host_api.self)
        if let problem = HostTable.problem(with: api) {
            let table = HostTable(api: api)
            let failure = ExtensionError.unavailable("\(id) cannot start: \(problem)")
            if api.pointee.alloc != nil {
                table.report(failure, into: errorOut)
            } else {
                errorOut?.pointee = hypermesh_error(code: failure.code.rawValue, message: nil)
            }
            return nil
        }
        let extensionHost = ExtensionHost(api: api, context: context)
        do throws(ExtensionError) {
            let object = try Extension(host: extensionHost)
            return UnsafeMutableRawPointer(InstanceBox.makeExtension(object, host: extensionHost))
        } catch {
            extensionHost.table.report(error, into: errorOut)
            return nil
        }
    }

    /// Implements `hypermesh_extension_destroy`: releases the Swift object and the
    /// `hypermesh_extension` struct. NULL is ignored.
    public func destroy(_ instance: UnsafeMutableRawPointer?) {
        guard let instance else { return }
        InstanceBox.destroyExtension(instance.assumingMemoryBound(to: hypermesh_extension.self))
    }

    private static func permanentCString(_ text: String) -> UnsafeMutablePointer<CChar> {
        let utf8 = Array(text.utf8)
        let storage = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count + 1)
        for (offset, byte) in utf8.enumerated() {
            storage[offset] = CChar(bitPattern: byte)
        }
        storage[utf8.count] = 0
        return storage
    }
}
