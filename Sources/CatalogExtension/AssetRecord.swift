/// One stored asset, as kept under its storage key and returned by `add` and `get`.
///
/// `id` is `type/name@version` and is unique in the Catalog (two versions of the same type and name
/// with the same SemVer precedence are not allowed). `length` is the number of content bytes after
/// decoding `encoding`. `package` names the package that owns the asset, if any; such an asset
/// changes only through its package.
struct AssetRecord: Sendable, Codable, Equatable {
    var id: String
    var type: AssetType
    var name: String
    var version: String
    var tags: [String]
    var encoding: ContentEncoding
    var content: String
    var length: Int
    var package: String?

    /// The `type/name@version` id of an asset.
    static func id(type: AssetType, name: String, version: String) -> String {
        "\(type.rawValue)/\(name)@\(version)"
    }

    /// Where the record lives in storage.
    var key: String { StorageLayout.assetKey(type: type, name: name, version: version) }

    /// The record without its content, as `list` and `search` return it.
    var summary: AssetSummary {
        AssetSummary(id: id, type: type, name: name, version: version, tags: tags, encoding: encoding, length: length, package: package)
    }

    /// The parsed version. Stored records were validated on the way in.
    var parsedVersion: AssetVersion? { try? AssetVersion(parsing: version) }
}

/// An asset without its content.
struct AssetSummary: Sendable, Codable, Equatable {
    var id: String
    var type: AssetType
    var name: String
    var version: String
    var tags: [String]
    var encoding: ContentEncoding
    var length: Int
    var package: String?
}
