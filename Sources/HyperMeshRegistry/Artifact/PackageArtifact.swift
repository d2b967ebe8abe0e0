import Foundation
import HyperMeshManifest
import HyperMeshTrust

/// A package folder as an OCI artifact: an image manifest with `artifactType`
/// ``OCIMediaType/extensionArtifact``, the exact bytes of `extension.json` as its config blob, one
/// layer per file the manifest lists (named by the `org.opencontainers.image.title` annotation, in
/// path order) and, when the package is signed, one layer for `extension.sig`.
///
/// So one pull carries everything needed to verify the package; nothing depends on the referrers
/// API, which registries such as distribution 2.8.2 do not have. The same package always gives
/// the same manifest bytes, hence the same digest (no timestamps; keys sorted).
///
/// Not guaranteed: that the package is valid beyond its files matching the manifest's digests;
/// the signature is checked when the package is verified before loading, not here.
public struct PackageArtifact: Sendable {
    /// Where a blob's bytes come from when it is pushed or stored.
    public enum BlobSource: Sendable, Hashable {
        case bytes(Data)
        case file(URL)
    }

    public let manifest: Manifest
    /// The exact bytes of `extension.json` (the config blob).
    public let manifestBytes: Data
    public let imageManifest: OCIImageManifest
    /// The canonical bytes of ``imageManifest``; their digest names the artifact.
    public let imageManifestBytes: Data
    /// Every blob the image manifest names, config first, then the layers in order.
    public let blobs: [(descriptor: OCIDescriptor, source: BlobSource)]

    public var digest: OCIDigest { OCIDigest(of: imageManifestBytes) }
    public var isSigned: Bool { imageManifest.layers.contains { $0.mediaType == OCIMediaType.extensionSignature } }

    /// The annotations HyperMesh writes on the image manifest.
    public enum Annotation {
        public static let extensionID = "org.hypermesh.extension.id"
        public static let version = "org.opencontainers.image.version"
    }

    /// Builds the artifact of the package at `folder`. The folder's files are checked against the
    /// manifest first (as `ext pack` does), so a stale package cannot be published.
    public static func make(fromPackageAt folder: URL) throws(RegistryError) -> PackageArtifact {
        let manifest: Manifest
        let manifestBytes: Data
        do throws(ManifestError) {
            (manifest, manifestBytes) = try ManifestDecoder.loadWithBytes(from: folder)
        } catch {
            throw RegistryError(.artifactInvalid, subject: folder.path, "the folder has no valid extension.json", cause: error)
        }
        let subject = "\(manifest.id) \(manifest.version)"
        do throws(PackageError) {
            try PackageFiles.verify(folder, manifest: manifest)
        } catch {
            throw RegistryError(.artifactInvalid, subject: subject, "the package's files do not match its manifest; fix or re-stage the package", cause: error)
        }
        var blobs: [(descriptor: OCIDescriptor, source: BlobSource)] = []
        let config = OCIDescriptor(mediaType: OCIMediaType.extensionManifest, digest: OCIDigest(of: manifestBytes), size: Int64(manifestBytes.count))
        blobs.append((config, .bytes(manifestBytes)))
        var layers: [OCIDescriptor] = []
        for (path, hex) in manifest.files.sorted(by: { $0.key < $1.key }) {
            let file: URL
            do throws(PackageError) {
                file = try PackageFiles.resolve(path, in: folder.resolvingSymlinksInPath())
            } catch {
                throw RegistryError(.artifactInvalid, subject: subject, "'\(path)' cannot be packed", cause: error)
            }
            let size = try fileSize(file, subject: subject)
            let descriptor = OCIDescriptor(mediaType: OCIMediaType.extensionFile, digest: try OCIDigest(hex: hex.lowercased()), size: size,
                                           annotations: [OCIMediaType.titleAnnotation: path])
            layers.append(descriptor)
            blobs.append((descriptor, .file(file)))
        }
        let signatureFile = folder.appendingPathComponent(PackageSignature.fileName)
        if FileManager.default.fileExists(atPath: signatureFile.path) {
            let bytes: Data
            do { bytes = try Data(contentsOf: signatureFile) } catch {
                throw RegistryError(.fileFailed, subject: subject, "cannot read extension.sig", cause: "\(error)")
            }
            let descriptor = OCIDescriptor(mediaType: OCIMediaType.extensionSignature, digest: OCIDigest(of: bytes), size: Int64(bytes.count),
                                           annotations: [OCIMediaType.titleAnnotation: PackageSignature.fileName])
            layers.append(descriptor)
            blobs.append((descriptor, .bytes(bytes)))
        }
        let imageManifest = OCIImageManifest(
            artifactType: OCIMediaType.extensionArtifact, config: config, layers: layers,
            annotations: [Annotation.extensionID: manifest.id, Annotation.version: manifest.version.description])
        return PackageArtifact(manifest: manifest, manifestBytes: manifestBytes, imageManifest: imageManifest,
                               imageManifestBytes: imageManifest.encoded(), blobs: blobs)
    }

    /// Checks that `imageManifest` is a HyperMesh package: artifact type, config media type, one
    /// layer per title, titles that are package paths, at most one signature layer, no layer named
    /// `extension.json` (the config is the manifest). `source` names the artifact in errors.
    public static func validate(_ imageManifest: OCIImageManifest, source: String) throws(RegistryError) {
        guard imageManifest.artifactType == OCIMediaType.extensionArtifact else {
            throw RegistryError(.artifactInvalid, subject: source, "artifactType is \(imageManifest.artifactType ?? "missing"), not \(OCIMediaType.extensionArtifact): this is not a HyperMesh package")
        }
        guard imageManifest.config.mediaType == OCIMediaType.extensionManifest else {
            throw RegistryError(.mediaTypeMismatch, subject: source, "the config's media type is \(imageManifest.config.mediaType), not \(OCIMediaType.extensionManifest)")
        }
        var titles = Set<String>()
        var signatures = 0
        for layer in imageManifest.layers {
            guard let title = layer.title else {
                throw RegistryError(.artifactInvalid, subject: source, "a layer (\(layer.digest)) has no \(OCIMediaType.titleAnnotation) annotation")
            }
            if let problem = PackagePathRules.problem(with: title) {
                throw RegistryError(.artifactInvalid, subject: source, "layer title: \(problem)")
            }
            guard titles.insert(title).inserted else {
                throw RegistryError(.artifactInvalid, subject: source, "two layers are titled '\(title)'")
            }
            switch layer.mediaType {
            case OCIMediaType.extensionSignature:
                signatures += 1
                guard title == PackageSignature.fileName else {
                    throw RegistryError(.artifactInvalid, subject: source, "the signature layer is titled '\(title)', not \(PackageSignature.fileName)")
                }
            case OCIMediaType.extensionFile:
                guard !PackageFiles.formatFiles.contains(title) else {
                    throw RegistryError(.artifactInvalid, subject: source, "a file layer is titled '\(title)', which only the config or the signature layer may be")
                }
            default:
                throw RegistryError(.mediaTypeMismatch, subject: source, "layer '\(title)' has media type \(layer.mediaType)")
            }
        }
        guard signatures <= 1 else {
            throw RegistryError(.artifactInvalid, subject: source, "more than one signature layer")
        }
    }

    static func fileSize(_ file: URL, subject: String) throws(RegistryError) -> Int64 {
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
            return (attributes[.size] as? NSNumber)?.int64Value ?? 0
        } catch {
            throw RegistryError(.fileFailed, subject: subject, "cannot read \(file.path)", cause: "\(error)")
        }
    }
}
