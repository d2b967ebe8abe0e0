/// An asset as the Catalog returns it: with `content` from `add` and `get`, without it from
/// `list` and `search`.
struct AssetView: Decodable, Equatable, Sendable {
    var id: String
    var type: String
    var name: String
    var version: String
    var tags: [String]
    var encoding: String
    var content: String?
    var length: Int
    var package: String?
}

/// The answer of `list` and `search`.
struct AssetListView: Decodable, Sendable {
    var assets: [AssetView]
}

/// A package as `install`, `update`, `rollback` and `packages` return it.
struct PackageView: Decodable, Equatable, Sendable {
    var name: String
    var version: String
    var previousVersion: String?
    var assets: [String]
}

/// The answer of `packages`.
struct PackageListView: Decodable, Sendable {
    var packages: [PackageView]
}

/// The answer of `remove`.
struct RemovedView: Decodable, Sendable {
    var removed: String
}

/// The answer of `uninstall`.
struct UninstalledView: Decodable, Sendable {
    var uninstalled: String
    var version: String
}
