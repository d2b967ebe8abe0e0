import HyperMeshExtensionKit

extension Catalog {
    /// Stores a new asset. A stored version of the same type and name with the same precedence is a
    /// conflict; an unknown type, a bad name, version, tag, encoding or content is an invalid argument.
    func add(_ request: AssetInput) throws(ExtensionError) -> AssetRecord {
        let record = try request.validated(package: nil)
        if let existing = try store.clash(with: record) {
            throw .conflict("asset \(existing.id) already exists; add a new version or remove it first")
        }
        try store.apply([store.put(record, at: record.key)])
        CatalogEvent.assetAdded(record).emit(on: host)
        return record
    }

    /// One asset with its content: the given version (matched by precedence), or the version of
    /// highest precedence when none is given.
    func get(_ request: GetRequest) throws(ExtensionError) -> AssetRecord {
        let type = try AssetType(field: request.type)
        let name = try FieldRules.name(request.name, field: "name")
        if let text = request.version {
            return try find(type: type, name: name, version: FieldRules.version(text, field: "version"))
        }
        guard let latest = try store.versions(of: type, name: name).last else {
            throw .notFound("no asset \(type.rawValue)/\(name) in the catalog")
        }
        return latest
    }

    /// Every asset, or those of one type, without content.
    func list(_ request: ListRequest) throws(ExtensionError) -> AssetList {
        let type = try request.type.map { (text) throws(ExtensionError) in try AssetType(field: text) }
        return AssetList(assets: try store.assets(of: type).map(\.summary))
    }

    /// Assets matching every given filter, without content.
    func search(_ request: SearchRequest) throws(ExtensionError) -> AssetList {
        let type = try request.type.map { (text) throws(ExtensionError) in try AssetType(field: text) }
        let query = request.query?.lowercased() ?? ""
        let matches = try store.assets(of: type).filter { record in
            (query.isEmpty || record.name.lowercased().contains(query))
                && (request.tag.map { record.tags.contains($0) } ?? true)
        }
        return AssetList(assets: matches.map(\.summary))
    }

    /// Removes a standalone asset. An asset owned by a package is a conflict: it changes only
    /// through `update` or `uninstall` of its package.
    func remove(_ request: AssetKeyRequest) throws(ExtensionError) -> RemovedAsset {
        let type = try AssetType(field: request.type)
        let name = try FieldRules.name(request.name, field: "name")
        let record = try find(type: type, name: name, version: FieldRules.version(request.version, field: "version"))
        if let package = record.package {
            throw .conflict("asset \(record.id) belongs to package '\(package)'; update or uninstall the package instead")
        }
        try store.apply([.delete(key: record.key)])
        CatalogEvent.assetRemoved(record).emit(on: host)
        return RemovedAsset(removed: record.id)
    }

    /// The stored asset whose version has the precedence of `version` (exact spelling first).
    private func find(type: AssetType, name: String, version: AssetVersion) throws(ExtensionError) -> AssetRecord {
        if let exact = try store.asset(at: StorageLayout.assetKey(type: type, name: name, version: version.description)) {
            return exact
        }
        let match = try store.versions(of: type, name: name).first { stored in
            stored.parsedVersion.map { $0.hasSamePrecedence(as: version) } ?? false
        }
        guard let match else {
            throw .notFound("no asset \(AssetRecord.id(type: type, name: name, version: version.description)) in the catalog")
        }
        return match
    }
}
