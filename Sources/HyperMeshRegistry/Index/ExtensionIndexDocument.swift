import HyperMeshErrors
import Foundation
import HyperMeshManifest
import HyperMeshStrictJSON

/// The signed extension index (the marketplace): every extension a publisher offers, with each
/// version's artifacts per platform, host ABI range, dependency ranges, requested capabilities,
/// description, tags and a yanked flag. Schema: `docs/registry.md`.
///
/// Freshness rules, checked by ``IndexCache``: ``version`` only goes up (a lower one is a rollback),
/// one version has one document (another is an equivocation), and an index past ``expires`` is
/// refused (a freeze). The document is read with the strict JSON parser first (duplicate keys
/// are refused) and written canonically (sorted keys), so its bytes are what is signed.
public struct ExtensionIndexDocument: Sendable, Hashable, Codable {
    public static let schemaName = "hypermesh.index.v1"
    /// The largest index document read: 64 MiB (refused before parsing when larger).
    public static let maximumBytes = 64 << 20

    public var schema: String = Self.schemaName
    /// The index's name, e.g. `main`; the cache of accepted indexes is kept per name.
    public var name: String
    /// Goes up by one with every publication.
    public var version: UInt64
    /// RFC 3339 times, UTC.
    public var issued: String
    public var expires: String
    /// Extension id → entry.
    public var extensions: [String: IndexedExtension]

    public init(name: String, version: UInt64, issued: Date, expires: Date, extensions: [String: IndexedExtension] = [:]) {
        self.name = name
        self.version = version
        self.issued = Self.timeText(issued)
        self.expires = Self.timeText(expires)
        self.extensions = extensions
    }

    public var issuedDate: Date? { Self.parseTime(issued) }
    public var expiryDate: Date? { Self.parseTime(expires) }

    /// The canonical bytes (what is signed).
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try! encoder.encode(self)
    }

    /// Decodes and validates `data`; `source` names the index in errors.
    public static func decode(_ data: Data, source: String) throws(IndexError) -> ExtensionIndexDocument {
        guard data.count <= maximumBytes else {
            throw IndexError(.malformed, subject: source, "the index has \(data.count) bytes, more than the \(maximumBytes) allowed")
        }
        let tree: JSONValue
        do throws(JSONParseError) {
            tree = try JSONParser.parse(data)
        } catch {
            throw IndexError(.malformed, subject: source, "the index is not strict JSON", cause: error)
        }
        if let path = firstDuplicateKey(in: tree, at: .root) {
            throw IndexError(.malformed, subject: source, "the key \(path) appears twice; a signed document must say one thing")
        }
        let document: ExtensionIndexDocument
        do {
            document = try JSONDecoder().decode(ExtensionIndexDocument.self, from: data)
        } catch {
            throw IndexError(.malformed, subject: source, "the index does not follow the \(schemaName) schema", cause: ErrorCauseText("\(error)"))
        }
        try document.validate(source: source)
        return document
    }

    /// The path of the first key that appears twice in one object, or nil.
    static func firstDuplicateKey(in value: JSONValue, at path: JSONPath) -> JSONPath? {
        switch value {
        case .object(let members):
            var seen = Set<String>()
            for member in members {
                guard seen.insert(member.key).inserted else { return path.appending(key: member.key) }
                if let found = firstDuplicateKey(in: member.value, at: path.appending(key: member.key)) { return found }
            }
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                if let found = firstDuplicateKey(in: element, at: path.appending(index: index)) { return found }
            }
        default:
            break
        }
        return nil
    }

    func validate(source: String) throws(IndexError) {
        guard schema == Self.schemaName else {
            throw IndexError(.malformed, subject: source, "schema is '\(schema)', not \(Self.schemaName)")
        }
        guard issuedDate != nil, expiryDate != nil else {
            throw IndexError(.malformed, subject: source, "issued and expires must be RFC 3339 times in UTC (2026-12-07T08:00:00Z)")
        }
        for (id, entry) in extensions {
            if let problem = IdentifierRules.extensionIDProblem(id) {
                throw IndexError(.malformed, subject: source, "extension id '\(id)': \(problem)")
            }
            for (versionText, version) in entry.versions {
                guard (try? SemanticVersion(parsing: versionText)) != nil else {
                    throw IndexError(.malformed, subject: source, "\(id): '\(versionText)' is not a semantic version")
                }
                for (dependency, range) in version.dependencies where (try? VersionRange(parsing: range)) == nil {
                    throw IndexError(.malformed, subject: source, "\(id) \(versionText): the range '\(range)' for \(dependency) is not valid")
                }
                guard !version.artifacts.isEmpty else {
                    throw IndexError(.malformed, subject: source, "\(id) \(versionText) lists no artifact")
                }
            }
        }
    }

    static func timeText(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func parseTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

/// One extension of the index.
public struct IndexedExtension: Sendable, Hashable, Codable {
    public var name: String
    public var description: String?
    public var tags: [String]
    /// Where its artifacts are: `registry/repository` (tags are versions), or `oci:FOLDER` for
    /// an index of OCI layouts (an air-gapped site).
    public var repository: String
    /// Version text → version entry.
    public var versions: [String: IndexedVersion]

    public init(name: String, description: String?, tags: [String], repository: String, versions: [String: IndexedVersion] = [:]) {
        self.name = name
        self.description = description
        self.tags = tags
        self.repository = repository
        self.versions = versions
    }
}

/// One version of an extension in the index.
public struct IndexedVersion: Sendable, Hashable, Codable {
    /// Platform (`linux/amd64`, or `any` for a platform-free wasm package) → the digest of the
    /// image manifest of the package for that platform.
    public var artifacts: [String: OCIDigest]
    public var kind: String
    public var abi: ABIRange
    /// Extension id → range text.
    public var dependencies: [String: String]
    public var capabilities: [String]
    public var yanked: Bool

    public init(artifacts: [String: OCIDigest], kind: String, abi: ABIRange, dependencies: [String: String], capabilities: [String], yanked: Bool = false) {
        self.artifacts = artifacts
        self.kind = kind
        self.abi = abi
        self.dependencies = dependencies
        self.capabilities = capabilities
        self.yanked = yanked
    }

    /// The platform key of platform-free packages.
    public static let anyPlatform = "any"

    /// The artifact for `platform`: the platform's own, else the platform-free one.
    public func artifact(for platform: OCIPlatform) -> OCIDigest? {
        artifacts[platform.description] ?? artifacts[Self.anyPlatform]
    }
}
