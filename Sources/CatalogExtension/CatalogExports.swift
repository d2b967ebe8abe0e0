import HyperMeshExtensionKit

/// The Catalog's metadata; `id` and `version` must match its manifest.
let catalogExport = ExtensionExport(Catalog.self, id: "org.hypermesh.catalog", version: "1.0.0", name: "Catalog")

@_cdecl("hypermesh_extension_metadata")
public func hypermeshExtensionMetadata() -> UnsafeRawPointer {
    catalogExport.metadata
}

@_cdecl("hypermesh_extension_create")
public func hypermeshExtensionCreate(
    _ host: UnsafeRawPointer?, _ context: OpaquePointer?, _ error: UnsafeMutableRawPointer?
) -> UnsafeMutableRawPointer? {
    catalogExport.create(host, context, error)
}

@_cdecl("hypermesh_extension_destroy")
public func hypermeshExtensionDestroy(_ instance: UnsafeMutableRawPointer?) {
    catalogExport.destroy(instance)
}
