/// The media types HyperMesh reads and writes. OCI's own are listed first; HyperMesh's are
/// `application/vnd.hypermesh.*` and are documented in `docs/registry.md`.
public enum OCIMediaType {
    /// An OCI image manifest (one artifact).
    public static let imageManifest = "application/vnd.oci.image.manifest.v1+json"
    /// An OCI image index (one manifest per platform).
    public static let imageIndex = "application/vnd.oci.image.index.v1+json"
    /// The two manifest types sent in `Accept` on every manifest request (a registry that is not
    /// told it may answer `MANIFEST_UNKNOWN` for an OCI manifest, as distribution 2.8.2 does).
    public static let manifestAccept = [imageManifest, imageIndex]

    /// The `artifactType` of a HyperMesh extension package (manifest and index).
    public static let extensionArtifact = "application/vnd.hypermesh.extension.v1"
    /// The config blob of a package: the exact bytes of its `extension.json`.
    public static let extensionManifest = "application/vnd.hypermesh.extension.manifest.v1+json"
    /// A layer holding one file of the package, named by its `org.opencontainers.image.title`.
    public static let extensionFile = "application/vnd.hypermesh.extension.file.v1"
    /// The layer holding `extension.sig`.
    public static let extensionSignature = "application/vnd.hypermesh.extension.signature.v1+pem"

    /// The `artifactType` of a signed extension index.
    public static let indexArtifact = "application/vnd.hypermesh.index.v1"
    /// The config blob of an index artifact: the index document's exact bytes.
    public static let indexDocument = "application/vnd.hypermesh.index.document.v1+json"
    /// The layer holding the index document's detached signature.
    public static let indexSignature = "application/vnd.hypermesh.index.signature.v1+pem"

    /// The annotation that names a layer's file (OCI's standard title annotation).
    public static let titleAnnotation = "org.opencontainers.image.title"
}
