/// The Catalog's keys in the host's per-extension storage (layout version 1). Values are UTF-8 JSON.
///
/// - `asset/<type>/<name>/<version>` → an ``AssetRecord`` (standalone or owned by a package)
/// - `package/<name>` → a ``PackageRecord`` (its current release lists asset keys; the previous
///   release, kept for rollback, holds its asset records inline because they are no longer in `asset/`)
///
/// Names cannot contain `/` (see ``FieldRules``), so a prefix ending in `/` never matches a longer name.
enum StorageLayout {
    static let assetPrefix = "asset/"
    static let packagePrefix = "package/"

    static func assetKey(type: AssetType, name: String, version: String) -> String {
        "\(assetPrefix)\(type.rawValue)/\(name)/\(version)"
    }

    /// Prefix of every version of one asset.
    static func assetVersionsPrefix(type: AssetType, name: String) -> String {
        "\(assetPrefix)\(type.rawValue)/\(name)/"
    }

    /// Prefix of every asset of one type, or of all assets.
    static func assetsPrefix(type: AssetType?) -> String {
        type.map { "\(assetPrefix)\($0.rawValue)/" } ?? assetPrefix
    }

    static func packageKey(name: String) -> String { "\(packagePrefix)\(name)" }
}
