import Foundation

/// Where artifacts are published: a registry (``RegistryClient``) or an OCI layout folder
/// (``OCILayoutDestination``). Blobs are pushed before the manifests that name them.
public protocol ArtifactDestination: Sendable {
    var destinationDescription: String { get }
    /// Pushes one blob (skipped when the destination has it already).
    func pushBlob(_ descriptor: OCIDescriptor, source: PackageArtifact.BlobSource, to reference: OCIReference,
                  progress: (@Sendable (TransferProgress) -> Void)?) async throws(RegistryError)
    /// Pushes a manifest under the reference's tag (or only by digest when it has none); returns its digest.
    @discardableResult
    func pushManifest(_ bytes: Data, mediaType: String, to reference: OCIReference) async throws(RegistryError) -> OCIDigest
}

/// An OCI layout folder as a destination: blobs into `blobs/sha256`, a tagged manifest into
/// `index.json` (with `org.opencontainers.image.ref.name`, as skopeo writes it).
public struct OCILayoutDestination: ArtifactDestination {
    public let layout: OCILayout

    public init(folder: URL) throws(RegistryError) {
        layout = try OCILayout.openOrCreate(at: folder)
    }

    public var destinationDescription: String { "OCI layout \(layout.root.path)" }

    public func pushBlob(_ descriptor: OCIDescriptor, source: PackageArtifact.BlobSource, to reference: OCIReference,
                         progress: (@Sendable (TransferProgress) -> Void)?) async throws(RegistryError) {
        let layout = self.layout
        try await BlockingIO.run { () throws(RegistryError) in
            switch source {
            case .bytes(let data): try layout.putBlob(data, as: descriptor)
            case .file(let url): try layout.putBlob(copying: url, as: descriptor)
            }
        }
        progress?(TransferProgress(digest: descriptor.digest, completedBytes: descriptor.size, totalBytes: descriptor.size))
    }

    public func pushManifest(_ bytes: Data, mediaType: String, to reference: OCIReference) async throws(RegistryError) -> OCIDigest {
        let layout = self.layout
        let descriptor = OCIDescriptor(mediaType: mediaType, digest: OCIDigest(of: bytes), size: Int64(bytes.count))
        try await BlockingIO.run { () throws(RegistryError) in
            try layout.putBlob(bytes, as: descriptor)
            guard let tag = reference.tag else { return }
            var index = try layout.readIndex()
            index.manifests.removeAll { $0.annotations?["org.opencontainers.image.ref.name"] == tag }
            var entry = descriptor
            entry.annotations = ["org.opencontainers.image.ref.name": tag]
            index.manifests.append(entry)
            try layout.writeIndex(index)
        }
        return descriptor.digest
    }
}

extension ArtifactDestination {
    /// Pushes packages (one per platform, or one platform-free) under `reference`'s tag: blobs,
    /// each platform's manifest, then the tagged manifest or image index. Returns the tagged digest.
    @discardableResult
    public func publish(_ artifacts: [(platform: OCIPlatform?, artifact: PackageArtifact)], to reference: OCIReference,
                        progress: (@Sendable (TransferProgress) -> Void)? = nil) async throws(RegistryError) -> OCIDigest {
        let top = try OCILayoutWriter.topLevel(of: artifacts)
        for (_, artifact) in artifacts {
            for (descriptor, source) in artifact.blobs {
                try await pushBlob(descriptor, source: source, to: reference, progress: progress)
            }
            if top.descriptor.mediaType == OCIMediaType.imageIndex {
                try await pushManifest(artifact.imageManifestBytes, mediaType: OCIMediaType.imageManifest,
                                       to: OCIReference(registry: reference.registry, repository: reference.repository, tag: nil, digest: artifact.digest))
            }
        }
        return try await pushManifest(top.bytes, mediaType: top.descriptor.mediaType, to: reference)
    }
}
