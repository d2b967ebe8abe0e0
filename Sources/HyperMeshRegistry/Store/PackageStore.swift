import Foundation
import HyperMeshManifest
import HyperMeshTrust

/// The content-addressed package store under the state directory, and the installed packages
/// materialized from it.
///
/// Layout: `store/` is an OCI image layout (``OCILayout``: `blobs/sha256/…`, `index.json`, one
/// entry per kept package version, see ``StoredPackage``); `installed/<id>/` is the package
/// folder of each extension's active version, which the host discovers and verifies as any other.
///
/// - Materializing writes the package into `installed/.staging-…` from the blobs (each file hashed
///   again while copied), then renames it over `installed/<id>` (the old folder is renamed aside
///   first and deleted after), so the folder is always a whole version, never a mix.
/// - Pins: the active version and the one before it are pinned, so ``rollback(id:)`` needs no
///   network. Other versions stay until ``collectGarbage()``.
/// - Reference counts are computed from `index.json` (each entry counts once for its manifest
///   blob, its config and every layer); a blob with no reference is removed by garbage collection.
/// - Edits of `index.json` take an exclusive `flock` on `store/lock`, so a node and a CLI
///   command on the same state directory do not lose each other's entries.
///
/// Every method blocks on the file system: call it through ``BlockingIO``.
/// Not guaranteed: protection against someone with write access to the state directory; the
/// host verifies the materialized package (signature, digests) before it maps any of it.
public struct PackageStore: Sendable {
    public let layout: OCILayout
    /// `installed/` beside the store: one package folder per installed extension.
    public let installedFolder: URL

    /// The largest manifest or config read from the store (4 MiB).
    static let maximumDocumentBytes = 4 << 20

    /// Opens (creating when absent) the store of `stateDirectory`.
    public init(stateDirectory: URL) throws(RegistryError) {
        layout = try OCILayout.openOrCreate(at: stateDirectory.appendingPathComponent("store"))
        installedFolder = stateDirectory.appendingPathComponent("installed")
    }

    /// The installed folder of `stateDirectory` (a search path of the host).
    public static func installedFolder(stateDirectory: URL) -> URL {
        stateDirectory.appendingPathComponent("installed")
    }

    // MARK: Reading

    /// Every package version in the store, by id then version.
    public func packages() throws(RegistryError) -> [StoredPackage] {
        try layout.readIndex().manifests.compactMap(StoredPackage.init(descriptor:))
            .sorted { $0.id != $1.id ? $0.id < $1.id : $0.version < $1.version }
    }

    /// The stored version `version` of `id`, if kept.
    public func package(id: String, version: SemanticVersion) throws(RegistryError) -> StoredPackage? {
        try packages().first { $0.id == id && $0.version.hasSamePrecedence(as: version) }
    }

    /// The stored package whose manifest has `digest`, if kept.
    public func package(digest: OCIDigest) throws(RegistryError) -> StoredPackage? {
        try packages().first { $0.digest == digest }
    }

    /// The active version of `id`, if installed.
    public func active(id: String) throws(RegistryError) -> StoredPackage? {
        try packages().first { $0.id == id && $0.pin == .active }
    }

    /// The image manifest of a stored package (digest checked).
    public func imageManifest(of package: StoredPackage) throws(RegistryError) -> OCIImageManifest {
        let bytes = try layout.readBlob(package.digest, maximumBytes: Self.maximumDocumentBytes)
        return try OCIImageManifest.decode(bytes, source: "\(package.id) \(package.version) in the store")
    }

    /// Whether every blob of `manifest` is in the store.
    public func hasAllBlobs(of manifest: OCIImageManifest) -> Bool {
        ([manifest.config] + manifest.layers).allSatisfy(layout.hasBlob)
    }

    // MARK: Adding

    /// Records a package whose blobs are all in the store already (pulled by the registry client
    /// into ``OCILayout/temporaryBlobURL()`` and adopted). Checks the artifact's shape and that
    /// the config names `id` and `version`; stores the manifest bytes as a blob. Re-adding a kept
    /// version with the same digest is a no-op; with another digest it is refused (a version's
    /// content never changes).
    @discardableResult
    public func add(imageManifestBytes: Data, source: String) throws(RegistryError) -> StoredPackage {
        let origin = "package from \(source)"
        let manifest = try OCIImageManifest.decode(imageManifestBytes, source: origin)
        try PackageArtifact.validate(manifest, source: origin)
        guard hasAllBlobs(of: manifest) else {
            throw RegistryError(.notFound, subject: origin, "not every blob of the package is in the store")
        }
        let config = try layout.readBlob(manifest.config.digest, maximumBytes: Self.maximumDocumentBytes)
        let extensionManifest: Manifest
        do throws(ManifestError) {
            extensionManifest = try ManifestDecoder.decode(config, source: "extension.json of \(source)")
        } catch {
            throw RegistryError(.artifactInvalid, subject: origin, "the package's extension.json is not valid", cause: error)
        }
        let digest = OCIDigest(of: imageManifestBytes)
        let entry = StoredPackage(id: extensionManifest.id, version: extensionManifest.version, digest: digest,
                                  size: Int64(imageManifestBytes.count), source: source, pin: .none)
        try layout.putBlob(imageManifestBytes, as: entry.descriptor)
        return try editIndex { (entries: inout [StoredPackage]) throws(RegistryError) -> StoredPackage in
            // Checked again under the lock: a garbage collection may have run since.
            guard hasAllBlobs(of: manifest), layout.hasBlob(entry.descriptor) else {
                throw RegistryError(.notFound, subject: origin, "blobs of the package were removed by a garbage collection meanwhile; pull it again")
            }
            if let kept = entries.first(where: { $0.id == entry.id && $0.version.hasSamePrecedence(as: entry.version) }) {
                guard kept.digest == digest else {
                    throw RegistryError(.digestMismatch, subject: "\(entry.id) \(entry.version)",
                                        "the store keeps this version with digest \(kept.digest), but \(source) has \(digest): a published version must not change")
                }
                return kept
            }
            entries.append(entry)
            return entry
        }
    }

    /// Adds a package built from a local folder (``PackageArtifact``): copies its blobs in and
    /// records it with source `local`.
    @discardableResult
    public func add(_ artifact: PackageArtifact, source: String = "local") throws(RegistryError) -> StoredPackage {
        for (descriptor, blobSource) in artifact.blobs {
            switch blobSource {
            case .bytes(let data): try layout.putBlob(data, as: descriptor)
            case .file(let url): try layout.putBlob(copying: url, as: descriptor)
            }
        }
        return try add(imageManifestBytes: artifact.imageManifestBytes, source: source)
    }

    // MARK: Installing

    /// Makes `version` of `id` the active one: materializes it under `installed/<id>`, pins it
    /// active and the version that was active before as previous (unpinning the older previous).
    /// Returns the version that was active before, if any. (``PackageInstaller`` stages and
    /// verifies first, then commits; this is both in one, for callers that verify at load.)
    @discardableResult
    public func activate(id: String, version: SemanticVersion) throws(RegistryError) -> StoredPackage? {
        guard let target = try package(id: id, version: version) else {
            throw RegistryError(.notFound, subject: "\(id) \(version)", "this version is not in the store; install or pull it first")
        }
        return try commit(staged: stage(target), as: target)
    }

    /// Puts a staged folder (``stage(_:)``) in place as `installed/<id>` and moves the pins.
    /// Returns the version that was active before, if it was another.
    @discardableResult
    public func commit(staged: URL, as target: StoredPackage) throws(RegistryError) -> StoredPackage? {
        do throws(RegistryError) {
            try replace(installedFolder.appendingPathComponent(target.id), with: staged)
        } catch {
            try? FileManager.default.removeItem(at: staged)
            throw error
        }
        let id = target.id
        return try editIndex { (entries: inout [StoredPackage]) throws(RegistryError) -> StoredPackage? in
            let formerActive = entries.first { $0.id == id && $0.pin == .active }
            for index in entries.indices where entries[index].id == id {
                if entries[index].digest == target.digest {
                    entries[index].pin = .active
                } else if let formerActive, formerActive.digest != target.digest, entries[index].digest == formerActive.digest {
                    entries[index].pin = .previous
                } else if formerActive != nil && formerActive?.digest != target.digest {
                    entries[index].pin = .none
                }
            }
            return formerActive?.digest == target.digest ? nil : formerActive
        }
    }

    /// Returns `id` to its previous version, from the store only (no network). Returns the
    /// versions (from, to).
    public func rollback(id: String) throws(RegistryError) -> (from: StoredPackage, to: StoredPackage) {
        let entries = try packages().filter { $0.id == id }
        guard let active = entries.first(where: { $0.pin == .active }) else {
            throw RegistryError(.notFound, subject: id, "the extension is not installed from the store")
        }
        guard let previous = entries.first(where: { $0.pin == .previous }) else {
            throw RegistryError(.notFound, subject: id, "the store has no previous version of this extension to roll back to")
        }
        try activate(id: id, version: previous.version)
        return (active, previous)
    }

    /// Removes `installed/<id>` and the pins of `id`; the versions stay in the store until
    /// ``collectGarbage()``. Returns the version that was active.
    @discardableResult
    public func uninstall(id: String) throws(RegistryError) -> StoredPackage? {
        let folder = installedFolder.appendingPathComponent(id)
        if FileManager.default.fileExists(atPath: folder.path) {
            let aside = installedFolder.appendingPathComponent(".removed-\(UUID().uuidString)")
            guard rename(folder.path, aside.path) == 0 else {
                throw RegistryError(.fileFailed, subject: id, "cannot remove \(folder.path) (errno \(errno))")
            }
            try? FileManager.default.removeItem(at: aside)
        }
        return try editIndex { (entries: inout [StoredPackage]) throws(RegistryError) -> StoredPackage? in
            let active = entries.first { $0.id == id && $0.pin == .active }
            for index in entries.indices where entries[index].id == id { entries[index].pin = .none }
            return active
        }
    }

    /// Writes the package folder of `package` into a new staging folder under `installed/` and
    /// returns it; every file is hashed again while copied out of the store. The caller verifies
    /// it, then ``commit(staged:as:)`` or deletes it.
    public func stage(_ package: StoredPackage) throws(RegistryError) -> URL {
        let manifest = try imageManifest(of: package)
        try PackageArtifact.validate(manifest, source: "\(package.id) \(package.version) in the store")
        let staging = installedFolder.appendingPathComponent(".staging-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw RegistryError(.fileFailed, subject: installedFolder.path, "cannot create the installed folder", cause: "\(error)")
        }
        do throws(RegistryError) {
            let config = try layout.readBlob(manifest.config.digest, maximumBytes: Self.maximumDocumentBytes)
            try layout.writeAtomically(config, to: staging.appendingPathComponent(Manifest.fileName))
            for layer in manifest.layers {
                let title = layer.title ?? ""
                let destination = staging.appendingPathComponent(title)
                do {
                    try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
                } catch {
                    throw RegistryError(.fileFailed, subject: staging.path, "cannot create a folder for '\(title)'", cause: "\(error)")
                }
                let (digest, size) = try OCILayout.copyHashing(from: layout.blobURL(layer.digest), to: destination)
                guard digest == layer.digest, size == layer.size else {
                    throw RegistryError(.digestMismatch, subject: "\(package.id) \(package.version)",
                                        "the store's blob for '\(title)' no longer matches \(layer.digest) (the store was modified); remove the version and pull it again")
                }
            }
            return staging
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
    }

    private func replace(_ folder: URL, with staging: URL) throws(RegistryError) {
        let aside = installedFolder.appendingPathComponent(".replaced-\(UUID().uuidString)")
        let hadFolder = FileManager.default.fileExists(atPath: folder.path)
        if hadFolder, rename(folder.path, aside.path) != 0 {
            throw RegistryError(.fileFailed, subject: folder.path, "cannot move the installed version aside (errno \(errno))")
        }
        guard rename(staging.path, folder.path) == 0 else {
            let code = errno
            if hadFolder { _ = rename(aside.path, folder.path) }
            throw RegistryError(.fileFailed, subject: folder.path, "cannot put the new version in place (errno \(code))")
        }
        if hadFolder { try? FileManager.default.removeItem(at: aside) }
    }

    // MARK: Status and garbage collection

    /// What the store holds and what refers to it.
    public struct Status: Sendable, Codable {
        public var packages: [StoredPackage]
        public var blobs: Int
        public var bytes: Int64
        /// Blobs that no kept package refers to (removed by the next garbage collection).
        public var unreferencedBlobs: Int
        public var unreferencedBytes: Int64
        /// Blob digest → number of kept packages that refer to it.
        public var referenceCounts: [String: Int]
    }

    public func status() throws(RegistryError) -> Status {
        let packages = try packages()
        let counts = try referenceCounts(of: packages)
        let blobs = layout.allBlobs()
        let unreferenced = blobs.filter { counts[$0.digest] == nil }
        return Status(packages: packages, blobs: blobs.count, bytes: blobs.reduce(0) { $0 + $1.size },
                      unreferencedBlobs: unreferenced.count, unreferencedBytes: unreferenced.reduce(0) { $0 + $1.size },
                      referenceCounts: Dictionary(uniqueKeysWithValues: counts.map { ($0.key.description, $0.value) }))
    }

    /// What a garbage collection removed.
    public struct CollectionReport: Sendable, Codable {
        public var removedPackages: [StoredPackage]
        public var removedBlobs: Int
        public var freedBytes: Int64
    }

    /// Drops every unpinned version, then every blob no kept version refers to, and leftovers of
    /// interrupted transfers (temporary files older than an hour, so that a transfer in progress
    /// in another process keeps its file). Pinned versions (active, previous) are never removed.
    /// Runs under the store's lock: an install that adopted blobs but has not recorded them yet
    /// may find them gone and fail (`oci.not_found`); it never records a version with missing blobs.
    public func collectGarbage() throws(RegistryError) -> CollectionReport {
        try withStoreLock { () throws(RegistryError) -> CollectionReport in
            let removed = try editIndexHoldingLock { (entries: inout [StoredPackage]) throws(RegistryError) -> [StoredPackage] in
                let dropped = entries.filter { $0.pin == .none }
                entries.removeAll { $0.pin == .none }
                return dropped
            }
            let counts = try referenceCounts(of: packages())
            var removedBlobs = 0
            var freed: Int64 = 0
            for blob in layout.allBlobs() where counts[blob.digest] == nil {
                layout.removeBlob(blob.digest)
                removedBlobs += 1
                freed += blob.size
            }
            layout.removeTemporaryFiles(olderThan: Date().addingTimeInterval(-3600))
            return CollectionReport(removedPackages: removed, removedBlobs: removedBlobs, freedBytes: freed)
        }
    }

    private func referenceCounts(of packages: [StoredPackage]) throws(RegistryError) -> [OCIDigest: Int] {
        var counts: [OCIDigest: Int] = [:]
        for package in packages {
            counts[package.digest, default: 0] += 1
            guard let manifest = try? imageManifest(of: package) else { continue }
            for descriptor in [manifest.config] + manifest.layers { counts[descriptor.digest, default: 0] += 1 }
        }
        return counts
    }

    /// Runs `edit` on the entries under the store's lock and writes `index.json` back.
    private func editIndex<T>(_ edit: (inout [StoredPackage]) throws(RegistryError) -> T) throws(RegistryError) -> T {
        try withStoreLock { () throws(RegistryError) -> T in try editIndexHoldingLock(edit) }
    }

    /// Runs `body` holding an exclusive `flock` on `store/lock` (released when the descriptor closes).
    private func withStoreLock<T>(_ body: () throws(RegistryError) -> T) throws(RegistryError) -> T {
        let lockFile = layout.root.appendingPathComponent("lock").path
        let descriptor = open(lockFile, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw RegistryError(.fileFailed, subject: lockFile, "cannot open the store's lock file (errno \(errno))")
        }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else {
            throw RegistryError(.fileFailed, subject: lockFile, "cannot lock the store (errno \(errno))")
        }
        return try body()
    }

    /// Reads `index.json`, runs `edit`, writes it back; the caller holds the lock.
    private func editIndexHoldingLock<T>(_ edit: (inout [StoredPackage]) throws(RegistryError) -> T) throws(RegistryError) -> T {
        var index = try layout.readIndex()
        var entries = index.manifests.compactMap(StoredPackage.init(descriptor:))
        let others = index.manifests.filter { StoredPackage(descriptor: $0) == nil }
        let result = try edit(&entries)
        index.manifests = others + entries.sorted { ($0.id, $0.version.description) < ($1.id, $1.version.description) }.map(\.descriptor)
        try layout.writeIndex(index)
        return result
    }
}
