import HyperMeshExtensionKit

extension Catalog {
    /// Every method of the Catalog.
    static let router = MethodRouter<Catalog>()
        .route("add") { (catalog, request: AssetInput) throws(ExtensionError) in try catalog.add(request) }
        .route("get") { (catalog, request: GetRequest) throws(ExtensionError) in try catalog.get(request) }
        .route("list") { (catalog, request: ListRequest) throws(ExtensionError) in try catalog.list(request) }
        .route("search") { (catalog, request: SearchRequest) throws(ExtensionError) in try catalog.search(request) }
        .route("execute") { (catalog, request: ExecuteRequest) throws(ExtensionError) in try catalog.execute(request) }
        .route("remove") { (catalog, request: AssetKeyRequest) throws(ExtensionError) in try catalog.remove(request) }
        .route("install") { (catalog, request: PackageRequest) throws(ExtensionError) in try catalog.install(request) }
        .route("update") { (catalog, request: PackageRequest) throws(ExtensionError) in try catalog.update(request) }
        .route("rollback") { (catalog, request: PackageNameRequest) throws(ExtensionError) in try catalog.rollback(request) }
        .route("uninstall") { (catalog, request: PackageNameRequest) throws(ExtensionError) in try catalog.uninstall(request) }
        .route("packages") { (catalog: Catalog) throws(ExtensionError) in try catalog.packages() }
}
