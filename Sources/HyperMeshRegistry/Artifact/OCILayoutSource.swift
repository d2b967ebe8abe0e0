import Foundation

/// Package artifacts read from an OCI layout folder, as `ext pack --oci-layout` or
/// `skopeo copy … oci:DIR:TAG` write it. A reference's registry and repository are ignored; its
/// tag is looked up among the `org.opencontainers.image.ref.name` annotations of `index.json`, its
/// digest among the blobs.
public struct OCILayoutSource: ArtifactSource {
    public let layout: OCILayout

    public init(folder: URL) throws(RegistryError) {
        layout = try OCILayout.open(at: folder)
    }

    public var sourceDescription: String { "OCI layout \(layout.root.path)" }

    public func fetchManifest(_ reference: OCIReference) async throws(RegistryError) -> FetchedManifest {
        let layout = self.layout
        return try await BlockingIO.run { () throws(RegistryError) -> FetchedManifest in
            let descriptor: OCIDescriptor
            if let digest = reference.digest {
                let index = try layout.readIndex()
                descriptor = index.manifests.first { $0.digest == digest }
                    ?? OCIDescriptor(mediaType: OCIMediaType.imageManifest, digest: digest, size: 0)
            } else {
                let tag = reference.tag ?? "latest"
                guard let entry = try layout.readIndex().manifests.first(where: { $0.annotations?["org.opencontainers.image.ref.name"] == tag }) else {
                    throw RegistryError(.notFound, subject: "\(layout.root.path):\(tag)", "the OCI layout has no manifest tagged '\(tag)'")
                }
                descriptor = entry
            }
            let bytes = try layout.readBlob(descriptor.digest, maximumBytes: 4 << 20)
            let mediaType = Self.mediaType(of: bytes) ?? descriptor.mediaType
            return FetchedManifest(bytes: bytes, mediaType: mediaType, digest: descriptor.digest)
        }
    }

    public func fetchBlob(_ descriptor: OCIDescriptor, of reference: OCIReference, to destination: URL,
                          progress: (@Sendable (TransferProgress) -> Void)?) async throws(RegistryError) {
        let layout = self.layout
        try await BlockingIO.run { () throws(RegistryError) in
            let source = layout.blobURL(descriptor.digest)
            guard FileManager.default.fileExists(atPath: source.path) else {
                throw RegistryError(.notFound, subject: "\(layout.root.path) \(descriptor.digest)", "the OCI layout does not have this blob")
            }
            let temporary = destination.deletingLastPathComponent().appendingPathComponent(".partial-\(UUID().uuidString)")
            let (digest, size) = try OCILayout.copyHashing(from: source, to: temporary)
            guard digest == descriptor.digest, size == descriptor.size else {
                try? FileManager.default.removeItem(at: temporary)
                throw RegistryError(.digestMismatch, subject: "\(layout.root.path) \(descriptor.digest)", "the layout's blob hashes to \(digest) (\(size) bytes)")
            }
            guard rename(temporary.path, destination.path) == 0 else {
                try? FileManager.default.removeItem(at: temporary)
                throw RegistryError(.fileFailed, subject: destination.path, "cannot move the blob into place (errno \(errno))")
            }
            progress?(TransferProgress(digest: descriptor.digest, completedBytes: size, totalBytes: size))
        }
    }

    /// The `mediaType` field of a manifest's JSON, when it has one.
    static func mediaType(of bytes: Data) -> String? {
        struct Probe: Decodable { var mediaType: String? }
        return (try? JSONDecoder().decode(Probe.self, from: bytes))?.mediaType
    }
}

/// Writes packages into an OCI layout folder (`ext pack --oci-layout DIR`): one image manifest
/// per package, or an image index over several platforms' packages, tagged with the version.
public enum OCILayoutWriter {
    /// Writes `artifacts` (one per platform; a single platform-free one for wasm) and tags the
    /// result `tag` in `index.json` (replacing an entry with that tag). Returns the digest tagged.
    @discardableResult
    public static func write(_ artifacts: [(platform: OCIPlatform?, artifact: PackageArtifact)], tag: String, to folder: URL) throws(RegistryError) -> OCIDigest {
        let layout = try OCILayout.openOrCreate(at: folder)
        for (_, artifact) in artifacts {
            for (descriptor, source) in artifact.blobs {
                switch source {
                case .bytes(let data): try layout.putBlob(data, as: descriptor)
                case .file(let url): try layout.putBlob(copying: url, as: descriptor)
                }
            }
            try layout.putBlob(artifact.imageManifestBytes, as: OCIDescriptor(mediaType: OCIMediaType.imageManifest, digest: artifact.digest, size: Int64(artifact.imageManifestBytes.count)))
        }
        let top = try topLevel(of: artifacts)
        try layout.putBlob(top.bytes, as: top.descriptor)
        var index = try layout.readIndex()
        index.manifests.removeAll { $0.annotations?["org.opencontainers.image.ref.name"] == tag }
        var descriptor = top.descriptor
        descriptor.annotations = ["org.opencontainers.image.ref.name": tag]
        index.manifests.append(descriptor)
        try layout.writeIndex(index)
        return top.descriptor.digest
    }

    /// The manifest to tag: the single artifact's image manifest when it is platform-free (or the
    /// only one, without a platform), else an image index with one entry per platform.
    public static func topLevel(of artifacts: [(platform: OCIPlatform?, artifact: PackageArtifact)]) throws(RegistryError) -> (bytes: Data, descriptor: OCIDescriptor) {
        guard let first = artifacts.first else {
            throw RegistryError(.artifactInvalid, "no package to write")
        }
        for (_, artifact) in artifacts.dropFirst() where artifact.manifest.id != first.artifact.manifest.id || artifact.manifest.version != first.artifact.manifest.version {
            throw RegistryError(.artifactInvalid, subject: artifact.manifest.id,
                                "the packages of one reference must share id and version (\(first.artifact.manifest.id) \(first.artifact.manifest.version) and \(artifact.manifest.id) \(artifact.manifest.version))")
        }
        if artifacts.count == 1, artifacts[0].platform == nil {
            let artifact = first.artifact
            return (artifact.imageManifestBytes, OCIDescriptor(mediaType: OCIMediaType.imageManifest, digest: artifact.digest, size: Int64(artifact.imageManifestBytes.count)))
        }
        var entries: [OCIDescriptor] = []
        for (platform, artifact) in artifacts {
            guard let platform else {
                throw RegistryError(.artifactInvalid, subject: artifact.manifest.id, "with several packages, each needs its platform (linux/amd64=DIR)")
            }
            guard !entries.contains(where: { $0.platform == platform }) else {
                throw RegistryError(.artifactInvalid, subject: artifact.manifest.id, "two packages for \(platform)")
            }
            entries.append(OCIDescriptor(mediaType: OCIMediaType.imageManifest, digest: artifact.digest, size: Int64(artifact.imageManifestBytes.count),
                                         platform: platform, artifactType: OCIMediaType.extensionArtifact))
        }
        let index = OCIImageIndex(artifactType: OCIMediaType.extensionArtifact, manifests: entries,
                                  annotations: [PackageArtifact.Annotation.extensionID: first.artifact.manifest.id,
                                                PackageArtifact.Annotation.version: first.artifact.manifest.version.description])
        let bytes = index.encoded()
        return (bytes, OCIDescriptor(mediaType: OCIMediaType.imageIndex, digest: OCIDigest(of: bytes), size: Int64(bytes.count)))
    }
}
