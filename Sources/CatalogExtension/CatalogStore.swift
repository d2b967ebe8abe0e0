#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HyperMeshExtensionKit

/// Typed reads and writes of the Catalog's records through the host storage API (see
/// ``StorageLayout``). A stored value that does not decode is reported as an internal error naming
/// its key: the Catalog wrote it, so it is a bug or outside tampering, not a caller mistake.
struct CatalogStore {
    let host: ExtensionHost

    func asset(at key: String) throws(ExtensionError) -> AssetRecord? {
        try read(AssetRecord.self, at: key)
    }

    /// Every stored version of one asset, in ascending precedence.
    func versions(of type: AssetType, name: String) throws(ExtensionError) -> [AssetRecord] {
        try records(under: StorageLayout.assetVersionsPrefix(type: type, name: name)).sorted(by: Self.libraryOrder)
    }

    /// Every asset (of one type, if given), sorted by type, name, then version precedence.
    func assets(of type: AssetType?) throws(ExtensionError) -> [AssetRecord] {
        try records(under: StorageLayout.assetsPrefix(type: type)).sorted(by: Self.libraryOrder)
    }

    func package(named name: String) throws(ExtensionError) -> PackageRecord? {
        try read(PackageRecord.self, at: StorageLayout.packageKey(name: name))
    }

    /// Every installed package, sorted by name.
    func packages() throws(ExtensionError) -> [PackageRecord] {
        var packages: [PackageRecord] = []
        for key in try host.storageList(prefix: StorageLayout.packagePrefix) {
            if let package = try read(PackageRecord.self, at: key) { packages.append(package) }
        }
        return packages.sorted { $0.name < $1.name }
    }

    /// The number of keys under `prefix` (no values are read).
    func count(under prefix: String) throws(ExtensionError) -> Int {
        try host.storageList(prefix: prefix).count
    }

    /// A library entry that has the same precedence as `record` (same type, name, and a version
    /// equal up to build metadata), if one is stored.
    func clash(with record: AssetRecord) throws(ExtensionError) -> AssetRecord? {
        guard let version = record.parsedVersion else { return nil }
        return try versions(of: record.type, name: record.name).first { stored in
            stored.parsedVersion.map { $0.hasSamePrecedence(as: version) } ?? false
        }
    }

    /// A write that stores `value` as JSON under `key`.
    func put(_ value: some Encodable, at key: String) throws(ExtensionError) -> StorageWrite {
        let bytes = try JSONPayload.encode(value)
        return .put(key: key, value: String(decoding: bytes, as: UTF8.self))
    }

    func apply(_ writes: [StorageWrite]) throws(ExtensionError) {
        try host.storageApply(writes)
    }

    private func records(under prefix: String) throws(ExtensionError) -> [AssetRecord] {
        var records: [AssetRecord] = []
        for key in try host.storageList(prefix: prefix) {
            if let record = try asset(at: key) { records.append(record) }
        }
        return records
    }

    private func read<Value: Decodable>(_ type: Value.Type, at key: String) throws(ExtensionError) -> Value? {
        guard let bytes = try host.storageGet(key) else { return nil }
        do {
            return try JSONDecoder().decode(Value.self, from: Data(bytes))
        } catch {
            throw .internal("the stored value at '\(key)' is not a valid \(Value.self)", cause: "\(error)")
        }
    }

    /// Type, then name, then version precedence (then version text, so the order is total).
    static func libraryOrder(_ lhs: AssetRecord, _ rhs: AssetRecord) -> Bool {
        if lhs.type != rhs.type { return lhs.type < rhs.type }
        if lhs.name != rhs.name { return lhs.name < rhs.name }
        if let left = lhs.parsedVersion, let right = rhs.parsedVersion, !left.hasSamePrecedence(as: right) {
            return left < right
        }
        return lhs.version < rhs.version
    }
}
