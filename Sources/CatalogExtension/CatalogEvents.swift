import HyperMeshExtensionKit

/// The events the Catalog emits after a change has been stored. Payloads are JSON objects.
///
/// Events are best effort: a refused or failed emission (e.g. the `events` capability is not
/// granted) is logged as a warning and does not undo or fail the change.
enum CatalogEvent {
    /// `catalog.asset.added` `{"id","type","name","version"}`
    case assetAdded(AssetRecord)
    /// `catalog.asset.removed` `{"id","type","name","version"}`
    case assetRemoved(AssetRecord)
    /// `catalog.package.installed` `{"name","version","assets"}`
    case packageInstalled(PackageInfo)
    /// `catalog.package.updated` `{"name","version","previousVersion","assets"}`
    case packageUpdated(PackageInfo)
    /// `catalog.package.rolledBack` `{"name","version","abandonedVersion","assets"}` (`version` is the restored one)
    case packageRolledBack(PackageInfo, abandoned: String)
    /// `catalog.package.uninstalled` `{"name","version","assets"}`
    case packageUninstalled(PackageInfo)

    var topic: String {
        switch self {
        case .assetAdded: "catalog.asset.added"
        case .assetRemoved: "catalog.asset.removed"
        case .packageInstalled: "catalog.package.installed"
        case .packageUpdated: "catalog.package.updated"
        case .packageRolledBack: "catalog.package.rolledBack"
        case .packageUninstalled: "catalog.package.uninstalled"
        }
    }

    private struct AssetPayload: Encodable {
        var id: String
        var type: AssetType
        var name: String
        var version: String
    }

    private struct RollbackPayload: Encodable {
        var name: String
        var version: String
        var abandonedVersion: String
        var assets: [String]
    }

    func payload() throws(ExtensionError) -> [UInt8] {
        switch self {
        case .assetAdded(let record), .assetRemoved(let record):
            try JSONPayload.encode(AssetPayload(id: record.id, type: record.type, name: record.name, version: record.version))
        case .packageInstalled(let info), .packageUpdated(let info), .packageUninstalled(let info):
            try JSONPayload.encode(info)
        case .packageRolledBack(let info, let abandoned):
            try JSONPayload.encode(RollbackPayload(name: info.name, version: info.version, abandonedVersion: abandoned, assets: info.assets))
        }
    }

    /// Emits the event; a failure is logged, not thrown.
    func emit(on host: ExtensionHost) {
        do throws(ExtensionError) {
            try host.emitEvent(topic: topic, payload: try payload())
        } catch {
            host.log(.warning, "could not emit \(topic): \(error)")
        }
    }
}
