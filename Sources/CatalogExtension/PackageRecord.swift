/// An installed package, stored under `package/<name>`.
///
/// The current release's assets live in the library (`asset/…`, with `package` set) and are listed
/// here by reference. Only one previous release is kept, with its asset records inline, so that
/// `rollback` can restore it; updating again replaces it.
struct PackageRecord: Sendable, Codable, Equatable {
    var name: String
    var version: String
    var assets: [AssetReference]
    var previous: PackageRelease?

    var info: PackageInfo {
        PackageInfo(name: name, version: version, previousVersion: previous?.version, assets: assets.map(\.id).sorted())
    }
}

/// Where a package's asset lives in the library.
struct AssetReference: Sendable, Codable, Equatable, Hashable {
    var type: AssetType
    var name: String
    var version: String

    init(type: AssetType, name: String, version: String) {
        self.type = type
        self.name = name
        self.version = version
    }

    init(_ record: AssetRecord) {
        self.init(type: record.type, name: record.name, version: record.version)
    }

    var id: String { AssetRecord.id(type: type, name: name, version: version) }
    var key: String { StorageLayout.assetKey(type: type, name: name, version: version) }
}

/// A release kept outside the library for rollback.
struct PackageRelease: Sendable, Codable, Equatable {
    var version: String
    var assets: [AssetRecord]
}

/// A package as methods return it: `{"name","version","previousVersion"?,"assets":[ids]}`.
struct PackageInfo: Sendable, Codable, Equatable {
    var name: String
    var version: String
    var previousVersion: String?
    var assets: [String]
}
