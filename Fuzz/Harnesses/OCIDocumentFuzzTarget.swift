import Foundation
import HyperMeshRegistry

/// What a registry serves and an operator types, as the host reads it: OCI image manifests and
/// image indexes (``OCIImageManifest/decode(_:source:)``, ``OCIImageIndex/decode(_:source:)``),
/// references, digests and platforms. The first byte chooses the parser.
///
/// Invariants: an accepted value survives its own encoding (`encoded()` or `description`) and
/// parses back equal; a manifest that is accepted as an index artifact
/// (``SignedExtensionIndex/parts(of:source:)``) has descriptors within the size limits.
public struct OCIDocumentFuzzTarget: FuzzTarget {
    public init() {}
    public var name: String { "oci-manifest" }
    public var summary: String { "OCI image manifests and indexes, references, digests, platforms: decoding and round trips" }

    public func run(_ input: [UInt8]) throws(FuzzFinding) {
        var reader = FuzzInput(input)
        let choice = reader.byte() % 5
        let rest = reader.rest()
        let text = String(decoding: rest, as: UTF8.self)
        switch choice {
        case 0:
            guard let manifest = try? OCIImageManifest.decode(Data(rest), source: "fuzz") else { return }
            guard let again = try? OCIImageManifest.decode(manifest.encoded(), source: "fuzz (encoded)"), again == manifest else {
                throw FuzzFinding(name, "an image manifest changed through encode → decode", String(decoding: manifest.encoded(), as: UTF8.self))
            }
            if let parts = try? SignedExtensionIndex.parts(of: manifest, source: "fuzz"), parts.document.size > Int64(ExtensionIndexDocument.maximumBytes) {
                throw FuzzFinding(name, "an index artifact over the size limit was accepted", "\(parts.document.size)")
            }
        case 1:
            guard let index = try? OCIImageIndex.decode(Data(rest), source: "fuzz") else { return }
            guard let again = try? OCIImageIndex.decode(index.encoded(), source: "fuzz (encoded)"), again == index else {
                throw FuzzFinding(name, "an image index changed through encode → decode", String(decoding: index.encoded(), as: UTF8.self))
            }
        case 2:
            guard let reference = try? OCIReference(parsing: text) else { return }
            guard let again = try? OCIReference(parsing: reference.description), again == reference else {
                throw FuzzFinding(name, "a reference does not parse back from its description", "\(text) → \(reference)")
            }
        case 3:
            guard let digest = try? OCIDigest(parsing: text) else { return }
            guard digest.hex.count == 64, let again = try? OCIDigest(parsing: digest.description), again == digest else {
                throw FuzzFinding(name, "a digest does not parse back from its description", "\(text) → \(digest)")
            }
        default:
            guard let platform = try? OCIPlatform(parsing: text) else { return }
            guard let again = try? OCIPlatform(parsing: platform.description), again == platform else {
                throw FuzzFinding(name, "a platform does not parse back from its description", "\(text) → \(platform)")
            }
        }
    }

    public func seeds() throws -> [FuzzSeed] {
        let document = Data(#"{"name":"main"}"#.utf8)
        let config = OCIDescriptor(mediaType: OCIMediaType.indexDocument, digest: OCIDigest(of: document), size: Int64(document.count))
        let layer = OCIDescriptor(mediaType: OCIMediaType.indexSignature, digest: OCIDigest(of: Data("sig".utf8)), size: 3,
                                  annotations: [OCIMediaType.titleAnnotation: "index.sig"])
        let manifest = OCIImageManifest(artifactType: OCIMediaType.indexArtifact, config: config, layers: [layer],
                                        annotations: ["org.hypermesh.index.name": "main"])
        let entry = OCIDescriptor(mediaType: OCIMediaType.imageManifest, digest: OCIDigest(of: manifest.encoded()), size: Int64(manifest.encoded().count))
        let index = OCIImageIndex(artifactType: OCIMediaType.indexArtifact, manifests: [entry])
        return [
            FuzzSeed("manifest", [0] + Array(manifest.encoded())),
            FuzzSeed("index", [1] + Array(index.encoded())),
            FuzzSeed("reference", [2] + Array("127.0.0.1:5000/org/example/catalog:1.2.0@\(OCIDigest(of: document))".utf8)),
            FuzzSeed("digest", [3] + Array(OCIDigest(of: document).description.utf8)),
            FuzzSeed("platform", [4] + Array("linux/arm64/v8".utf8)),
        ]
    }
}
