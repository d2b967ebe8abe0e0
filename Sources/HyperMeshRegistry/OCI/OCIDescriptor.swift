/// An OCI content descriptor: what a manifest says about a blob or another manifest.
public struct OCIDescriptor: Sendable, Hashable, Codable {
    public var mediaType: String
    public var digest: OCIDigest
    /// The exact size in bytes; a blob of another size is refused.
    public var size: Int64
    public var annotations: [String: String]?
    /// Set on image index entries only.
    public var platform: OCIPlatform?
    /// Set on image index entries that point at artifacts.
    public var artifactType: String?

    public init(mediaType: String, digest: OCIDigest, size: Int64, annotations: [String: String]? = nil,
                platform: OCIPlatform? = nil, artifactType: String? = nil) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.annotations = annotations
        self.platform = platform
        self.artifactType = artifactType
    }

    /// The `org.opencontainers.image.title` annotation (a layer's file name).
    public var title: String? { annotations?[OCIMediaType.titleAnnotation] }
}
