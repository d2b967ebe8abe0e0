import HyperMeshManifest

/// One package version kept in the store: an entry of the store's `index.json`.
///
/// The entry is the image manifest's descriptor; its annotations carry the extension id, the
/// version, where it came from and its pin, so the store stays a plain OCI layout that skopeo
/// and oras can read.
public struct StoredPackage: Sendable, Hashable, Codable {
    /// Why the store keeps a version.
    public enum Pin: String, Sendable, Hashable, Codable {
        /// The installed version (materialized under `installed/`).
        case active
        /// The version before it: `ext rollback` returns to it without the network.
        case previous
        /// Kept until `store gc`.
        case none
    }

    public var id: String
    public var version: SemanticVersion
    /// The digest of the package's image manifest.
    public var digest: OCIDigest
    public var size: Int64
    /// The reference it was pulled from, or `local` for a package added from a folder.
    public var source: String
    public var pin: Pin

    /// The annotation keys of an entry.
    enum Key {
        static let referenceName = "org.opencontainers.image.ref.name"
        static let extensionID = PackageArtifact.Annotation.extensionID
        static let version = PackageArtifact.Annotation.version
        static let source = "org.hypermesh.source"
        static let pin = "org.hypermesh.pin"
    }

    var descriptor: OCIDescriptor {
        OCIDescriptor(mediaType: OCIMediaType.imageManifest, digest: digest, size: size, annotations: [
            Key.referenceName: "\(id)@\(OCIReference.tag(for: version))",
            Key.extensionID: id, Key.version: version.description, Key.source: source, Key.pin: pin.rawValue,
        ], artifactType: OCIMediaType.extensionArtifact)
    }

    init(id: String, version: SemanticVersion, digest: OCIDigest, size: Int64, source: String, pin: Pin) {
        self.id = id
        self.version = version
        self.digest = digest
        self.size = size
        self.source = source
        self.pin = pin
    }

    /// Reads an entry back; nil for entries that are not HyperMesh packages (the layout may hold
    /// other artifacts, which the store leaves alone).
    init?(descriptor: OCIDescriptor) {
        guard let annotations = descriptor.annotations, let id = annotations[Key.extensionID],
              let versionText = annotations[Key.version], let version = try? SemanticVersion(parsing: versionText) else { return nil }
        self.init(id: id, version: version, digest: descriptor.digest, size: descriptor.size,
                  source: annotations[Key.source] ?? "unknown", pin: annotations[Key.pin].flatMap(Pin.init(rawValue:)) ?? .none)
    }
}
