/// The model of `extension.json`: who an extension is, what it runs, what it needs.
///
/// Decode it with ``ManifestDecoder``, which is strict (an unknown key is an error naming its JSON
/// path) and validates every field; the memberwise initializer does no validation (use
/// ``validate()``). ``jsonData(prettyPrinted:)`` writes the canonical JSON. The synthesized
/// `Codable` conformance is not strict; do not use it to read `extension.json`.
public struct Manifest: Sendable, Hashable, Codable {
    /// Reverse-DNS identifier, e.g. `org.hypermesh.catalog`.
    public var id: String
    /// Human-readable name.
    public var name: String
    public var version: SemanticVersion
    public var kind: ExtensionKind
    /// Path of the payload inside the package, relative, e.g. `libCatalogExtension.so`.
    public var entry: String
    /// The host ABI versions this extension supports.
    public var abi: ABIRange
    /// A lower-case category used to group extensions, e.g. `assets`.
    public var category: String
    /// Capabilities the extension asks for. The grant is this set intersected with operator policy.
    public var capabilities: [Capability]
    public var quotas: Quotas
    /// Extension id → acceptable versions.
    public var dependencies: [String: VersionRange]
    /// Package-relative path → lowercase hex SHA-256 of the file's bytes. When not empty, must list `entry`.
    public var files: [String: String]
    /// Hosts the extension may reach through the host's HTTP function: `host` (any port) or
    /// `host:port`, lower-case. Empty (the default): no host at all.
    public var networkHosts: [String]
    /// Where a native extension runs (default in-process; ignored for wasm). The policy may force
    /// `process`.
    public var isolation: Isolation
    /// How a wasm extension asks to be run (nil: the host's default, ``WasmEngine/interpreted``).
    /// Only valid with kind `wasm`. The policy may override it.
    public var engine: WasmEngine?
    public var description: String?
    public var authors: [String]?
    public var license: String?

    public init(
        id: String, name: String, version: SemanticVersion, kind: ExtensionKind, entry: String,
        abi: ABIRange, category: String, capabilities: [Capability] = [], quotas: Quotas = Quotas(),
        dependencies: [String: VersionRange] = [:], files: [String: String] = [:], networkHosts: [String] = [],
        description: String? = nil, authors: [String]? = nil, license: String? = nil
    ) {
        self.id = id
        self.name = name
        self.version = version
        self.kind = kind
        self.entry = entry
        self.abi = abi
        self.category = category
        self.capabilities = capabilities
        self.quotas = quotas
        self.dependencies = dependencies
        self.files = files
        self.networkHosts = networkHosts
        self.isolation = .inProcess
        self.engine = nil
        self.description = description
        self.authors = authors
        self.license = license
    }

    /// The file name of a manifest inside a package folder.
    public static let fileName = "extension.json"

    /// The top-level JSON keys, required ones first, in the order the decoder checks them.
    public static let jsonKeys = [
        "id", "name", "version", "kind", "entry", "abi", "category",
        "capabilities", "quotas", "dependencies", "files", "networkHosts", "isolation", "engine", "description", "authors", "license",
    ]

    /// The top-level JSON keys that must be present.
    public static let requiredJSONKeys = ["id", "name", "version", "kind", "entry", "abi", "category"]
}
