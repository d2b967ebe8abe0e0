/// `get`: `{"type","name","version"?}`. Without `version`, the version of highest precedence.
struct GetRequest: Sendable, Decodable {
    var type: String
    var name: String
    var version: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, name, version
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.strictContainer(keyedBy: CodingKeys.self)
        type = try fields.decode(String.self, forKey: .type)
        name = try fields.decode(String.self, forKey: .name)
        version = try fields.decodeIfPresent(String.self, forKey: .version)
    }
}

/// `list`: `{"type"?}`.
struct ListRequest: Sendable, Decodable {
    var type: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.strictContainer(keyedBy: CodingKeys.self)
        type = try fields.decodeIfPresent(String.self, forKey: .type)
    }
}

/// `search`: `{"query"?,"type"?,"tag"?}`; every given filter must match.
struct SearchRequest: Sendable, Decodable {
    /// Matches a substring of the asset name, ignoring case.
    var query: String?
    var type: String?
    /// Matches one of the asset's tags exactly.
    var tag: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case query, type, tag
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.strictContainer(keyedBy: CodingKeys.self)
        query = try fields.decodeIfPresent(String.self, forKey: .query)
        type = try fields.decodeIfPresent(String.self, forKey: .type)
        tag = try fields.decodeIfPresent(String.self, forKey: .tag)
    }
}

/// `remove`: `{"type","name","version"}`.
struct AssetKeyRequest: Sendable, Decodable {
    var type: String
    var name: String
    var version: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, name, version
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.strictContainer(keyedBy: CodingKeys.self)
        type = try fields.decode(String.self, forKey: .type)
        name = try fields.decode(String.self, forKey: .name)
        version = try fields.decode(String.self, forKey: .version)
    }
}

/// The answer of `list` and `search`: `{"assets":[summary…]}`, sorted by type, name, version.
struct AssetList: Sendable, Encodable {
    var assets: [AssetSummary]
}

/// The answer of `remove`: `{"removed": id}`.
struct RemovedAsset: Sendable, Encodable {
    var removed: String
}
