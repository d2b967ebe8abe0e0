/// `install` and `update`: `{"name","version","assets":[asset…]}`, each asset as for `add`.
struct PackageRequest: Sendable, Decodable {
    var name: String
    var version: String
    var assets: [AssetInput]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, version, assets
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.strictContainer(keyedBy: CodingKeys.self)
        name = try fields.decode(String.self, forKey: .name)
        version = try fields.decode(String.self, forKey: .version)
        assets = try fields.decode([AssetInput].self, forKey: .assets)
    }
}

/// `rollback` and `uninstall`: `{"name"}`.
struct PackageNameRequest: Sendable, Decodable {
    var name: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.strictContainer(keyedBy: CodingKeys.self)
        name = try fields.decode(String.self, forKey: .name)
    }
}

/// The answer of `packages`: `{"packages":[info…]}`, sorted by name.
struct PackageList: Sendable, Encodable {
    var packages: [PackageInfo]
}

/// The answer of `uninstall`: `{"uninstalled": name, "version": version}`.
struct UninstalledPackage: Sendable, Encodable {
    var uninstalled: String
    var version: String
}
