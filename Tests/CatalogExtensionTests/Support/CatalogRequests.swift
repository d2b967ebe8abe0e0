import Foundation

/// An asset as `add` (and each entry of a package) takes it. `tags` and `encoding` are left out of
/// the JSON when nil, so the Catalog's defaults apply.
struct NewAsset: Encodable, Sendable {
    var type: String
    var name: String
    var version: String
    var tags: [String]?
    var content: String
    var encoding: String?

    init(type: String = "document", name: String, version: String = "1.0.0", tags: [String]? = nil,
         content: String = "content", encoding: String? = nil) {
        self.type = type
        self.name = name
        self.version = version
        self.tags = tags
        self.content = content
        self.encoding = encoding
    }
}

/// `install` and `update`: `{"name","version","assets"}`.
struct ReleaseRequest: Encodable, Sendable {
    var name: String
    var version: String
    var assets: [NewAsset]
}

/// `get`: `{"type","name","version"?}`.
struct AssetQuery: Encodable, Sendable {
    var type: String
    var name: String
    var version: String?
}

/// `search`: every field optional.
struct SearchQuery: Encodable, Sendable {
    var query: String?
    var type: String?
    var tag: String?
}

/// `rollback` and `uninstall`: `{"name"}`.
struct PackageName: Encodable, Sendable {
    var name: String
}

/// JSON text of a request, with sorted keys so that equal requests are equal text.
enum RequestJSON {
    static func text(_ request: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(request), as: UTF8.self)
    }
}
