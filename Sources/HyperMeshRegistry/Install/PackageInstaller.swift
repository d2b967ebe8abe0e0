import Foundation
import HyperMeshManifest
import HyperMeshTrust

/// Brings packages from an ``ArtifactSource`` into the ``PackageStore`` and makes them active.
///
/// ``fetch(_:from:expecting:progress:)``:
/// 1. if the store already keeps the artifact the reference pins (by digest), nothing is requested;
/// 2. the manifest is fetched (an image index is resolved to this host's platform);
/// 3. the artifact's shape is checked (``PackageArtifact/validate(_:source:)``), then the config
///    (`extension.json`): the id and version must be the ones expected, the host ABI in range;
/// 4. every layer not yet in the store is fetched straight into the store's blob folder (the
///    source checks digest and size before the blob appears there);
/// 5. the package is staged from the store into a folder and verified by the ``PackageVerifier``
///    (signature, chain to the trust store, files, revocation); refused → the staged folder is
///    deleted and nothing is recorded (the blobs stay unreferenced until `store gc`);
/// 6. the store records it.
///
/// ``activate(_:)`` stages, verifies again (the store may have been touched since) and commits.
/// Not guaranteed: that a running host picks the new version up: a node started with
/// `serve --watch` does (installed/ is one of its search paths); others at their next start.
public struct PackageInstaller: Sendable {
    public let store: PackageStore
    public let verifier: PackageVerifier
    public let hostABI: UInt32
    public let platform: OCIPlatform

    public init(store: PackageStore, verifier: PackageVerifier, hostABI: UInt32, platform: OCIPlatform = .current) {
        self.store = store
        self.verifier = verifier
        self.hostABI = hostABI
        self.platform = platform
    }

    /// What a package must be, when the caller knows (from the index or the lock).
    public struct Expectation: Sendable {
        public var id: String
        public var version: SemanticVersion
        public init(id: String, version: SemanticVersion) {
            self.id = id
            self.version = version
        }
    }

    /// What a fetch did.
    public struct Fetched: Sendable {
        public var package: StoredPackage
        public var manifest: Manifest
        /// Whether anything was requested from the source (false: it was in the store).
        public var transferred: Bool
        /// Bytes of blobs transferred.
        public var bytes: Int64
    }

    /// The stored package with `digest`, checked against `expecting` and this host; nil when the
    /// store does not keep it (no source is contacted either way).
    public func stored(digest: OCIDigest, expecting: Expectation?, subject: String) async throws(RegistryError) -> Fetched? {
        let store = self.store
        guard let kept = try await BlockingIO.run({ () throws(RegistryError) in try store.package(digest: digest) }) else { return nil }
        let manifest = try await storedManifest(kept)
        try check(manifest, against: expecting, subject: subject)
        return Fetched(package: kept, manifest: manifest, transferred: false, bytes: 0)
    }

    /// Fetches the package `reference` names into the store (see the type's steps).
    public func fetch(_ reference: OCIReference, from source: any ArtifactSource, expecting: Expectation? = nil,
                      progress: (@Sendable (TransferProgress) -> Void)? = nil) async throws(RegistryError) -> Fetched {
        let store = self.store
        let subject = expecting.map { "\($0.id) \($0.version) from \(reference)" } ?? "\(reference)"
        if let digest = reference.digest, let kept = try await stored(digest: digest, expecting: expecting, subject: subject) {
            return kept
        }
        var fetched = try await source.fetchManifest(reference)
        var pinned = reference.pinned(to: fetched.digest)
        if fetched.mediaType == OCIMediaType.imageIndex {
            let index = try OCIImageIndex.decode(fetched.bytes, source: subject)
            guard let entry = index.manifest(for: platform) else {
                let offered = index.manifests.compactMap { $0.platform?.description }.joined(separator: ", ")
                throw RegistryError(.platformUnavailable, subject: subject, "no build for \(platform) (the index offers: \(offered.isEmpty ? "none" : offered))")
            }
            if let kept = try await BlockingIO.run({ () throws(RegistryError) in try store.package(digest: entry.digest) }) {
                let manifest = try await storedManifest(kept)
                try check(manifest, against: expecting, subject: subject)
                return Fetched(package: kept, manifest: manifest, transferred: true, bytes: 0)
            }
            pinned = reference.pinned(to: entry.digest)
            fetched = try await source.fetchManifest(pinned)
        }
        let imageManifest = try OCIImageManifest.decode(fetched.bytes, source: subject)
        try PackageArtifact.validate(imageManifest, source: subject)
        guard imageManifest.config.size <= Int64(PackageStore.maximumDocumentBytes) else {
            throw RegistryError(.tooLarge, subject: subject, "the package's extension.json has \(imageManifest.config.size) bytes")
        }
        var bytes: Int64 = 0
        bytes += try await fetchMissing(imageManifest.config, of: pinned, from: source, progress: progress)
        let configBytes = try await BlockingIO.run { () throws(RegistryError) in
            try store.layout.readBlob(imageManifest.config.digest, maximumBytes: PackageStore.maximumDocumentBytes)
        }
        let manifest: Manifest
        do throws(ManifestError) {
            manifest = try ManifestDecoder.decode(configBytes, source: "extension.json of \(subject)")
        } catch {
            throw RegistryError(.artifactInvalid, subject: subject, "the package's extension.json is not valid", cause: error)
        }
        try check(manifest, against: expecting, subject: subject)
        let packageSubject = "\(manifest.id) \(manifest.version) from \(reference)"
        for layer in imageManifest.layers {
            do {
                bytes += try await fetchMissing(layer, of: pinned, from: source, progress: progress)
            } catch {
                // The source names the blob and the registry; the package is named here.
                throw RegistryError(error.code, subject: packageSubject, "\(layer.title ?? "a layer"): \(error.summary)", cause: error)
            }
        }
        let candidate = StoredPackage(id: manifest.id, version: manifest.version, digest: fetched.digest,
                                      size: Int64(fetched.bytes.count), source: reference.description, pin: .none)
        let manifestBytes = fetched.bytes
        try await BlockingIO.run { () throws(RegistryError) in
            try store.layout.putBlob(manifestBytes, as: OCIDescriptor(mediaType: OCIMediaType.imageManifest, digest: candidate.digest, size: candidate.size))
        }
        try await stageAndVerify(candidate) { staged throws(RegistryError) in try? FileManager.default.removeItem(at: staged) }
        let stored = try await BlockingIO.run { () throws(RegistryError) in
            try store.add(imageManifestBytes: manifestBytes, source: reference.description)
        }
        return Fetched(package: stored, manifest: manifest, transferred: true, bytes: bytes)
    }

    /// Makes a stored package the active version of its extension (stage, verify, commit).
    /// Returns the version that was active before, if another.
    @discardableResult
    public func activate(_ package: StoredPackage) async throws(RegistryError) -> StoredPackage? {
        let store = self.store
        return try await stageAndVerify(package) { staged throws(RegistryError) -> StoredPackage? in
            try store.commit(staged: staged, as: package)
        }
    }

    /// Rolls `id` back to its pinned previous version, from the store only.
    public func rollback(id: String) async throws(RegistryError) -> (from: StoredPackage, to: StoredPackage) {
        let store = self.store
        let entries = try await BlockingIO.run { () throws(RegistryError) in try store.packages().filter { $0.id == id } }
        guard let active = entries.first(where: { $0.pin == .active }) else {
            throw RegistryError(.notFound, subject: id, "the extension is not installed from the store")
        }
        guard let previous = entries.first(where: { $0.pin == .previous }) else {
            throw RegistryError(.notFound, subject: id, "the store has no previous version of \(id) to roll back to (only \(active.version))")
        }
        try await activate(previous)
        return (active, previous)
    }

    /// Checks a package's manifest against what was expected and against this host.
    public func check(_ manifest: Manifest, against expecting: Expectation?, subject: String) throws(RegistryError) {
        if let expecting, manifest.id != expecting.id || !manifest.version.hasSamePrecedence(as: expecting.version) {
            throw RegistryError(.packageMismatch, subject: subject,
                                "the artifact holds \(manifest.id) \(manifest.version), not \(expecting.id) \(expecting.version)")
        }
        guard manifest.abi.contains(hostABI) else {
            throw RegistryError(.incompatible, subject: subject,
                                "\(manifest.id) \(manifest.version) supports host ABI \(manifest.abi); this host has \(hostABI)")
        }
    }

    private func storedManifest(_ package: StoredPackage) async throws(RegistryError) -> Manifest {
        let store = self.store
        return try await BlockingIO.run { () throws(RegistryError) -> Manifest in
            let imageManifest = try store.imageManifest(of: package)
            let config = try store.layout.readBlob(imageManifest.config.digest, maximumBytes: PackageStore.maximumDocumentBytes)
            do throws(ManifestError) {
                return try ManifestDecoder.decode(config, source: "extension.json of \(package.id) \(package.version)")
            } catch {
                throw RegistryError(.artifactInvalid, subject: "\(package.id) \(package.version) in the store", "the stored extension.json is not valid", cause: error)
            }
        }
    }

    private func fetchMissing(_ descriptor: OCIDescriptor, of reference: OCIReference, from source: any ArtifactSource,
                              progress: (@Sendable (TransferProgress) -> Void)?) async throws(RegistryError) -> Int64 {
        let layout = store.layout
        if await BlockingIO.runQuietly({ layout.hasBlob(descriptor) }) { return 0 }
        try await source.fetchBlob(descriptor, of: reference, to: layout.blobURL(descriptor.digest), progress: progress)
        return descriptor.size
    }

    /// Stages `package` from the store, verifies the staged folder, then hands it to `then`
    /// (which commits or deletes it). A refused package's staged folder is deleted.
    private func stageAndVerify<T: Sendable>(_ package: StoredPackage, then: @escaping @Sendable (URL) throws(RegistryError) -> T) async throws(RegistryError) -> T {
        let store = self.store
        let staged = try await BlockingIO.run { () throws(RegistryError) in try store.stage(package) }
        let report: VerificationReport
        do throws(ManifestError) {
            report = try await verifier.verify(packageAt: staged).report
        } catch {
            try? FileManager.default.removeItem(at: staged)
            throw RegistryError(.artifactInvalid, subject: "\(package.id) \(package.version)", "the package's extension.json is not valid", cause: error)
        }
        if let refusal = report.failure {
            try? FileManager.default.removeItem(at: staged)
            throw RegistryError(.verificationRefused, subject: "\(package.id) \(package.version) from \(package.source)",
                                "the package is refused by verification; nothing of it is installed", cause: refusal)
        }
        return try await BlockingIO.run { () throws(RegistryError) -> T in try then(staged) }
    }
}

extension BlockingIO {
    /// Runs non-throwing blocking work off the cooperative pool; if the pool is down, runs it here.
    static func runQuietly<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        (try? await run { () throws(RegistryError) -> T in work() }) ?? work()
    }
}
