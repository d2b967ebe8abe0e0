import HyperMeshStrictJSON
import Foundation

/// Reads `extension.json` strictly and validates every field.
///
/// Strict means: the bytes must be RFC 8259 JSON in UTF-8 (see ``JSONParser``), no key may be
/// unknown or repeated at any level, required keys must be present, every value must have the
/// documented JSON type (`null` is never accepted; leave an optional key out instead), and every
/// value must satisfy its rule (see `docs/manifest.md`). The first problem found is reported as a
/// ``ManifestError``; the order of checks is fixed, so the same bytes always give the same error:
/// size and JSON syntax, then duplicate and unknown top-level keys (document order), then each
/// field in ``Manifest/jsonKeys`` order, inside a field in document order.
///
/// Not checked here: that `entry` and the `files` exist or match their digests (the package
/// verifier does that), that dependencies exist, or that the ABI range includes the host's.
public enum ManifestDecoder {
    /// The largest manifest accepted, in bytes (1 MiB).
    public static let maximumSize = 1 << 20

    /// Decodes and validates a manifest.
    /// - Parameter source: the file the bytes came from, copied into errors; nil if unknown.
    public static func decode(_ data: Data, source: String? = nil) throws(ManifestError) -> Manifest {
        do throws(ManifestError) {
            return try decodeUnattributed(data)
        } catch {
            throw error.attributed(to: source)
        }
    }

    /// Reads and decodes `extension.json` in `packageDirectory`.
    ///
    /// Errors name the manifest file as their source. A missing file is `fileNotFound`; a file that
    /// cannot be read, or a folder in its place, is `unreadable`.
    public static func load(from packageDirectory: URL) throws(ManifestError) -> Manifest {
        let file = packageDirectory.appendingPathComponent(Manifest.fileName)
        let data = try ManifestFileReader.read(file, limit: maximumSize)
        return try decode(data, source: file.path)
    }

    /// Like ``load(from:)``, and also returns the exact bytes of the file (what a package
    /// signature covers).
    public static func loadWithBytes(from packageDirectory: URL) throws(ManifestError) -> (manifest: Manifest, bytes: Data) {
        let (data, source) = try readBytes(from: packageDirectory)
        return (try decode(data, source: source), data)
    }

    /// Reads the exact bytes of `extension.json` in `packageDirectory` as ``loadWithBytes(from:)``
    /// does (a regular file of at most ``maximumSize`` bytes, the same errors), without decoding
    /// them; `source` is the file's path, for ``decode(_:source:)``.
    public static func readBytes(from packageDirectory: URL) throws(ManifestError) -> (bytes: Data, source: String) {
        let folder = packageDirectory.path
        let path = folder.hasSuffix("/") ? folder + Manifest.fileName : folder + "/" + Manifest.fileName
        return (try ManifestFileReader.read(path: path, folder: folder, limit: maximumSize), path)
    }

    private static func decodeUnattributed(_ data: Data) throws(ManifestError) -> Manifest {
        guard data.count <= maximumSize else {
            throw ManifestError(
                .tooLarge, "the manifest is \(data.count) bytes; the maximum is \(maximumSize) bytes", at: nil)
        }
        let root: JSONValue
        do throws(JSONParseError) {
            root = try JSONParser.parse(data)
        } catch {
            throw ManifestError(
                code: .invalidJSON,
                message: "not valid JSON at line \(error.line), column \(error.column) (byte \(error.offset)): \(error.reason)",
                cause: error.description)
        }
        let object = try ObjectReader(root, at: .root, expected: "an object (the top level of extension.json)")
        try object.rejectUnknownKeys(allowed: Manifest.jsonKeys)
        return try decodeFields(of: object)
    }

    private static func decodeFields(of object: ObjectReader) throws(ManifestError) -> Manifest {
        let id = try decodeID(object.required("id", hint: "the extension's reverse-DNS identifier, e.g. org.example.tool"))
        let name = try decodeNonEmptyString(object.required("name", hint: "a human-readable name"))
        let version = try decodeVersion(object.required("version", hint: "a semantic version such as 1.0.0"))
        let kind = try decodeKind(object.required("kind", hint: "native or wasm"))
        let entry = try decodeEntry(object.required("entry", hint: "the payload's path inside the package"))
        let abi = try decodeABI(object.required("abi", hint: "the supported host ABI versions, e.g. {\"min\": 1, \"max\": 1}"))
        let category = try decodeCategory(object.required("category", hint: "a lower-case word such as assets"))

        var manifest = Manifest(id: id, name: name, version: version, kind: kind, entry: entry, abi: abi, category: category)
        if let field = object.optional("capabilities") { manifest.capabilities = try decodeCapabilities(field) }
        if let field = object.optional("quotas") { manifest.quotas = try decodeQuotas(field) }
        if let field = object.optional("dependencies") { manifest.dependencies = try decodeDependencies(field, ownID: id) }
        if let field = object.optional("files") { manifest.files = try decodeFiles(field, entry: entry) }
        if let field = object.optional("networkHosts") { manifest.networkHosts = try decodeNetworkHosts(field) }
        if let field = object.optional("isolation") { manifest.isolation = try decodeIsolation(field) }
        if let field = object.optional("engine") { manifest.engine = try decodeEngine(field, kind: kind) }
        if let field = object.optional("description") { manifest.description = try field.value.expectString(at: field.path) }
        if let field = object.optional("authors") { manifest.authors = try decodeAuthors(field) }
        if let field = object.optional("license") { manifest.license = try decodeNonEmptyString(field) }
        return manifest
    }
}

/// A JSON value and where it is.
typealias JSONField = (value: JSONValue, path: JSONPath)
