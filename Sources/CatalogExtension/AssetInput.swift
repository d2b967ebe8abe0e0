import HyperMeshExtensionKit

/// An asset as a request describes it (`add`, and each entry of a package's `assets`).
///
/// JSON: `{"type": String, "name": String, "version": String, "tags"?: [String], "content": String,
/// "encoding"?: "utf8"|"base64"}`; an unknown field is an error. Fields are checked by ``validated(package:path:)``, not by
/// decoding, so that errors can say what is allowed.
struct AssetInput: Sendable, Codable {
    var type: String
    var name: String
    var version: String
    var tags: [String]?
    var content: String
    var encoding: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, name, version, tags, content, encoding
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.strictContainer(keyedBy: CodingKeys.self)
        type = try fields.decode(String.self, forKey: .type)
        name = try fields.decode(String.self, forKey: .name)
        version = try fields.decode(String.self, forKey: .version)
        tags = try fields.decodeIfPresent([String].self, forKey: .tags)
        content = try fields.decode(String.self, forKey: .content)
        encoding = try fields.decodeIfPresent(String.self, forKey: .encoding)
    }

    /// The record this input describes, owned by `package` if given. `path` prefixes the field
    /// names in error messages (e.g. `assets[2].`).
    func validated(package: String?, path: String = "") throws(ExtensionError) -> AssetRecord {
        let type = try AssetType(field: self.type, path: path + "type")
        let name = try FieldRules.name(self.name, field: path + "name")
        let version = try FieldRules.version(self.version, field: path + "version")
        let tags = try FieldRules.tags(self.tags ?? [], field: path + "tags")
        let encoding = try ContentEncoding(field: self.encoding, path: path + "encoding")
        let length = try encoding.byteCount(of: content, path: path + "content")
        return AssetRecord(
            id: AssetRecord.id(type: type, name: name, version: version.description), type: type, name: name,
            version: version.description, tags: tags, encoding: encoding, content: content, length: length,
            package: package)
    }
}
