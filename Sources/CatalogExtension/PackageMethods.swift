import HyperMeshExtensionKit

extension Catalog {
    /// Installs a package: its assets enter the library owned by the package, in one atomic batch.
    /// An installed package of that name, or an asset that already exists, is a conflict. The
    /// install is an operation that needs consensus: it is applied only if the host's four
    /// validators (space, stake, work, time) accept it, and refused (unavailable) otherwise.
    func install(_ request: PackageRequest) throws(ExtensionError) -> PackageInfo {
        let name = try FieldRules.name(request.name, field: "name")
        let version = try FieldRules.version(request.version, field: "version")
        if let installed = try store.package(named: name) {
            throw .conflict("package '\(name)' is already installed at version \(installed.version); use update")
        }
        let records = try packageAssets(request.assets, package: name)
        try requireNoClash(records, except: [], action: "install \(name)")
        try requireConsensus(kind: "catalog.package.install", on: "\(name)@\(version)", records: records)
        let package = PackageRecord(name: name, version: version.description, assets: records.map(AssetReference.init), previous: nil)
        var writes: [StorageWrite] = []
        for record in records { writes.append(try store.put(record, at: record.key)) }
        writes.append(try store.put(package, at: StorageLayout.packageKey(name: name)))
        try store.apply(writes)
        CatalogEvent.packageInstalled(package.info).emit(on: host)
        return package.info
    }

    /// Replaces a package's assets by those of a newer version, all or nothing (one atomic batch).
    /// The replaced release is kept for `rollback` (only the latest one is kept). Not installed is
    /// not found; a version that is not newer, or an asset that exists outside the package, is a conflict.
    func update(_ request: PackageRequest) throws(ExtensionError) -> PackageInfo {
        let name = try FieldRules.name(request.name, field: "name")
        let version = try FieldRules.version(request.version, field: "version")
        let current = try installedPackage(name)
        if let installed = try? AssetVersion(parsing: current.version), !(installed < version) {
            throw .conflict("cannot update '\(name)' to \(version): it must be newer than the installed \(current.version)")
        }
        let records = try packageAssets(request.assets, package: name)
        let ownKeys = Set(current.assets.map(\.key))
        try requireNoClash(records, except: ownKeys, action: "update \(name)")
        let replaced = PackageRelease(version: current.version, assets: try currentAssets(of: current))
        let package = PackageRecord(name: name, version: version.description, assets: records.map(AssetReference.init), previous: replaced)
        try store.apply(try replacing(current, with: records, record: package))
        CatalogEvent.packageUpdated(package.info).emit(on: host)
        return package.info
    }

    /// Restores the release that the last `update` replaced, all or nothing. The abandoned release
    /// is dropped, so a second rollback has nothing to restore (not found). An asset of the restored
    /// release that was added to the library since is a conflict.
    func rollback(_ request: PackageNameRequest) throws(ExtensionError) -> PackageInfo {
        let name = try FieldRules.name(request.name, field: "name")
        let current = try installedPackage(name)
        guard let previous = current.previous else {
            throw .notFound("package '\(name)' has no previous release to roll back to (only the release replaced by the last update is kept)")
        }
        try requireNoClash(previous.assets, except: Set(current.assets.map(\.key)), action: "roll back \(name)")
        let package = PackageRecord(
            name: name, version: previous.version, assets: previous.assets.map(AssetReference.init), previous: nil)
        try store.apply(try replacing(current, with: previous.assets, record: package))
        CatalogEvent.packageRolledBack(package.info, abandoned: current.version).emit(on: host)
        return package.info
    }

    /// Removes a package and its assets (and its kept previous release), in one atomic batch.
    func uninstall(_ request: PackageNameRequest) throws(ExtensionError) -> UninstalledPackage {
        let name = try FieldRules.name(request.name, field: "name")
        let current = try installedPackage(name)
        var writes: [StorageWrite] = current.assets.map { .delete(key: $0.key) }
        writes.append(.delete(key: StorageLayout.packageKey(name: name)))
        try store.apply(writes)
        CatalogEvent.packageUninstalled(current.info).emit(on: host)
        return UninstalledPackage(uninstalled: name, version: current.version)
    }

    /// Every installed package with its current and previous version.
    func packages() throws(ExtensionError) -> PackageList {
        PackageList(packages: try store.packages().map(\.info))
    }

    private func installedPackage(_ name: String) throws(ExtensionError) -> PackageRecord {
        guard let package = try store.package(named: name) else {
            throw .notFound("package '\(name)' is not installed")
        }
        return package
    }

    /// Validates a package's assets: at least one, each valid, no two with the same type, name and
    /// version precedence.
    private func packageAssets(_ inputs: [AssetInput], package: String) throws(ExtensionError) -> [AssetRecord] {
        guard !inputs.isEmpty else {
            throw .invalidArgument("'assets' must list at least one asset")
        }
        var records: [AssetRecord] = []
        for (index, input) in inputs.enumerated() {
            let record = try input.validated(package: package, path: "assets[\(index)].")
            if let earlier = records.firstIndex(where: { Self.samePrecedence($0, record) }) {
                throw .invalidArgument("assets[\(earlier)] and assets[\(index)] are the same asset (\(record.id))")
            }
            records.append(record)
        }
        return records
    }

    /// Throws a conflict if a record clashes with a library asset whose key is not in `except`.
    private func requireNoClash(_ records: [AssetRecord], except ownKeys: Set<String>, action: String) throws(ExtensionError) {
        for record in records {
            if let clash = try store.clash(with: record), !ownKeys.contains(clash.key) {
                let owner = clash.package.map { "it belongs to package '\($0)'" } ?? "remove it from the library first"
                throw .conflict("cannot \(action): asset \(clash.id) already exists; \(owner)")
            }
        }
    }

    /// The stored records of a package's current release.
    private func currentAssets(of package: PackageRecord) throws(ExtensionError) -> [AssetRecord] {
        var records: [AssetRecord] = []
        for reference in package.assets {
            guard let record = try store.asset(at: reference.key) else {
                throw .internal("package '\(package.name)' lists \(reference.id) but the asset is not stored")
            }
            records.append(record)
        }
        return records
    }

    /// The batch that swaps `current`'s assets for `records` and stores `record`.
    private func replacing(
        _ current: PackageRecord, with records: [AssetRecord], record: PackageRecord
    ) throws(ExtensionError) -> [StorageWrite] {
        let newKeys = Set(records.map(\.key))
        var writes: [StorageWrite] = current.assets.map(\.key).filter { !newKeys.contains($0) }.map { .delete(key: $0) }
        for asset in records { writes.append(try store.put(asset, at: asset.key)) }
        writes.append(try store.put(record, at: StorageLayout.packageKey(name: record.name)))
        return writes
    }

    private static func samePrecedence(_ lhs: AssetRecord, _ rhs: AssetRecord) -> Bool {
        guard lhs.type == rhs.type, lhs.name == rhs.name, let left = lhs.parsedVersion, let right = rhs.parsedVersion else {
            return false
        }
        return left.hasSamePrecedence(as: right)
    }
}

extension Catalog {
    /// Asks the host's consensus for `kind` over the package and the ids of its assets; throws
    /// unless every validator accepted.
    func requireConsensus(kind: String, on subject: String, records: [AssetRecord]) throws(ExtensionError) {
        let payload = Array((subject + "\n" + records.map(\.id).sorted().joined(separator: "\n")).utf8)
        let decision = try host.submitForConsensus(kind: kind, payload: payload)
        guard decision.accepted else {
            let rejected = decision.verdicts.filter { $0.value.hasPrefix("rejected") }.sorted { $0.key < $1.key }
            throw .unavailable("consensus rejected \(kind) of \(subject): "
                               + rejected.map { "\($0.key) \($0.value)" }.joined(separator: "; "))
        }
    }
}
