import HyperMeshExtensionKit
import Synchronization

/// The Catalog: an asset library with versioned packages, keeping all of its state in the host's
/// per-extension storage so that it survives a host restart.
///
/// Methods (JSON in, JSON out) are listed in ``router``: `add`, `get`, `list`, `search`, `remove`
/// for assets, and `install`, `update`, `rollback`, `uninstall`, `packages` for packages.
/// Calls are serialized by a lock, so the Catalog is correct with any `concurrency` quota; each
/// change is a single host storage write or one atomic `storage_apply` batch.
final class Catalog: HyperMeshExtension {
    let host: ExtensionHost
    let store: CatalogStore
    private let lock = Mutex(())

    init(host: ExtensionHost) throws(ExtensionError) {
        self.host = host
        self.store = CatalogStore(host: host)
    }

    /// Registers the asset types (`catalog.document`, …) with the host. Fails if the host refuses
    /// (e.g. `assetManagement` is not granted).
    func activate() throws(ExtensionError) {
        for type in AssetType.allCases {
            try host.registerAssetType(type.registeredName)
        }
        host.log(.info, "catalog active; asset types: \(AssetType.allCases.map(\.registeredName).joined(separator: ", "))")
    }

    func handle(method: String, input: [UInt8]) throws(ExtensionError) -> [UInt8] {
        try lock.withLock { (_) throws(ExtensionError) -> [UInt8] in
            try Self.router.handle(method: method, input: input, context: self)
        }
    }

    /// Healthy with the number of assets and packages; unhealthy if storage cannot be read.
    func health() -> ExtensionHealth {
        do throws(ExtensionError) {
            let assets = try store.count(under: StorageLayout.assetPrefix)
            let packages = try store.count(under: StorageLayout.packagePrefix)
            let detail = "\(assets) asset\(assets == 1 ? "" : "s"), \(packages) package\(packages == 1 ? "" : "s")"
            return ExtensionHealth(status: .healthy, detail: detail)
        } catch {
            return ExtensionHealth(status: .unhealthy, detail: "storage unavailable: \(error)")
        }
    }
}
