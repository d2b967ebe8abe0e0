import Foundation

/// An OCI image manifest (`application/vnd.oci.image.manifest.v1+json`), as HyperMesh writes an
/// extension package: `artifactType`, the config blob (`extension.json`), one layer per file.
///
/// Decoding ignores fields it does not know (the OCI specification requires it); encoding is
/// canonical (sorted keys, no escaped slashes), so the same manifest always has the same digest.
public struct OCIImageManifest: Sendable, Hashable, Codable {
    public var schemaVersion: Int = 2
    public var mediaType: String? = OCIMediaType.imageManifest
    public var artifactType: String?
    public var config: OCIDescriptor
    public var layers: [OCIDescriptor]
    public var subject: OCIDescriptor?
    public var annotations: [String: String]?

    public init(artifactType: String?, config: OCIDescriptor, layers: [OCIDescriptor],
                subject: OCIDescriptor? = nil, annotations: [String: String]? = nil) {
        self.artifactType = artifactType
        self.config = config
        self.layers = layers
        self.subject = subject
        self.annotations = annotations
    }

    /// The canonical bytes.
    public func encoded() -> Data { OCIJSON.encode(self) }

    /// Decodes `data`, naming `source` in the error.
    public static func decode(_ data: Data, source: String) throws(RegistryError) -> OCIImageManifest {
        let manifest: OCIImageManifest = try OCIJSON.decode(data, source: source)
        guard manifest.schemaVersion == 2 else {
            throw RegistryError(.artifactInvalid, subject: source, "schemaVersion \(manifest.schemaVersion) is not 2")
        }
        if let mediaType = manifest.mediaType, mediaType != OCIMediaType.imageManifest {
            throw RegistryError(.mediaTypeMismatch, subject: source, "the manifest says mediaType \(mediaType), not \(OCIMediaType.imageManifest)")
        }
        return manifest
    }
}

/// An OCI image index (`application/vnd.oci.image.index.v1+json`): one manifest per platform.
public struct OCIImageIndex: Sendable, Hashable, Codable {
    public var schemaVersion: Int = 2
    public var mediaType: String? = OCIMediaType.imageIndex
    public var artifactType: String?
    public var manifests: [OCIDescriptor]
    public var annotations: [String: String]?

    public init(artifactType: String?, manifests: [OCIDescriptor], annotations: [String: String]? = nil) {
        self.artifactType = artifactType
        self.manifests = manifests
        self.annotations = annotations
    }

    public func encoded() -> Data { OCIJSON.encode(self) }

    public static func decode(_ data: Data, source: String) throws(RegistryError) -> OCIImageIndex {
        let index: OCIImageIndex = try OCIJSON.decode(data, source: source)
        guard index.schemaVersion == 2 else {
            throw RegistryError(.artifactInvalid, subject: source, "schemaVersion \(index.schemaVersion) is not 2")
        }
        if let mediaType = index.mediaType, mediaType != OCIMediaType.imageIndex {
            throw RegistryError(.mediaTypeMismatch, subject: source, "the index says mediaType \(mediaType), not \(OCIMediaType.imageIndex)")
        }
        return index
    }

    /// The entry for `platform`, or nil.
    public func manifest(for platform: OCIPlatform) -> OCIDescriptor? {
        manifests.first { $0.platform?.satisfies(platform) ?? false }
    }
}

/// The JSON coding of OCI documents: canonical output, lenient input (unknown keys ignored).
enum OCIJSON {
    static func encode<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain structs of strings and integers cannot fail.
        return try! encoder.encode(value)
    }

    static func decode<T: Decodable>(_ data: Data, source: String) throws(RegistryError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw RegistryError(.artifactInvalid, subject: source, "not a valid \(T.self) document", cause: "\(error)")
        }
    }
}
