/// Why an `extension.json` was refused: a stable ``code``, a ``message`` that says what is wrong
/// and how to fix it, the JSON ``path`` of the offending value, the ``source`` file and the
/// underlying ``cause``.
///
/// The message is complete on its own (it already contains the cause's reason, in words suited
/// to the manifest); ``cause`` keeps the lower-level error text for logs and tools.
public struct ManifestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable identifiers for programs and documentation. Raw values never change once released.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The package folder has no `extension.json`.
        case fileNotFound = "manifest.file_not_found"
        /// `extension.json` exists but could not be read (permissions, a folder in its place...).
        case unreadable = "manifest.unreadable"
        /// The manifest is larger than ``ManifestDecoder/maximumSize``.
        case tooLarge = "manifest.too_large"
        /// The bytes are not a strict JSON document (RFC 8259, UTF-8).
        case invalidJSON = "manifest.invalid_json"
        /// The same key appears twice in one object.
        case duplicateKey = "manifest.duplicate_key"
        /// A key the manifest format does not define (often a typo).
        case unknownKey = "manifest.unknown_key"
        /// A required key is absent.
        case missingKey = "manifest.missing_key"
        /// A value has the wrong JSON type (including `null` where a value is expected).
        case typeMismatch = "manifest.type_mismatch"
        /// `version` is not a Semantic Versioning 2.0.0 version.
        case badVersion = "manifest.bad_version"
        /// A dependency's value is not a version range.
        case badVersionRange = "manifest.bad_version_range"
        /// `id` or a dependency key is not a lower-case reverse-DNS identifier.
        case badIdentifier = "manifest.bad_identifier"
        /// A capability name that ``Capability`` does not define.
        case unknownCapability = "manifest.unknown_capability"
        /// A capability listed twice.
        case duplicateCapability = "manifest.duplicate_capability"
        /// `kind` is neither `native` nor `wasm`.
        case unknownKind = "manifest.unknown_kind"
        /// `entry` or a `files` key is not a safe package-relative path.
        case badPath = "manifest.bad_path"
        /// A `files` value is not 64 lower-case hexadecimal characters.
        case badDigest = "manifest.bad_digest"
        /// `files` is not empty but does not list `entry`.
        case entryNotListed = "manifest.entry_not_listed"
        /// `abi.min`/`abi.max` out of the unsigned 32-bit range, or `min > max`.
        case badABIRange = "manifest.bad_abi_range"
        /// `category` is not `[a-z][a-z0-9-]*` of at most 64 characters.
        case badCategory = "manifest.bad_category"
        /// A string that must not be empty is empty (`name`, `license`, an author).
        case badValue = "manifest.bad_value"
        /// A quota out of its range (see ``Quotas``).
        case badQuota = "manifest.bad_quota"
        /// A `networkHosts` entry is not `host` or `host:port` (lower-case, no scheme, no path).
        case badNetworkHost = "manifest.bad_network_host"
        case badIsolation = "manifest.bad_isolation"
        /// The extension lists itself in `dependencies`.
        case selfDependency = "manifest.self_dependency"
    }

    public let code: Code
    public let message: String
    /// JSON path of the offending value, e.g. `$.quotas.concurrency`; nil when the error is about
    /// the whole file (unreadable, too large).
    public let path: String?
    /// The file the manifest came from, when known.
    public let source: String?
    /// The lower-level error text (parser, version parser, file system), when there is one.
    public let cause: String?

    public init(code: Code, message: String, path: String? = nil, source: String? = nil, cause: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.source = source
        self.cause = cause
    }

    /// `source: path: message`, leaving out the parts that are nil, e.g.
    /// `extension.json: $.quotas.cpuSeconds: unknown key 'cpuSeconds' (allowed: ...)`.
    public var description: String {
        [source, path, message].compactMap { $0 }.joined(separator: ": ")
    }

    /// The same error, attributed to `source` (kept as is when `source` is nil).
    func attributed(to source: String?) -> ManifestError {
        guard let source else { return self }
        return ManifestError(code: code, message: message, path: path, source: source, cause: cause)
    }
}

extension ManifestError {
    init(_ code: Code, _ message: String, at path: JSONPath?, cause: String? = nil) {
        self.init(code: code, message: message, path: path?.description, cause: cause)
    }

    /// A value of the wrong JSON type.
    static func typeMismatch(at path: JSONPath, expected: String, found value: JSONValue) -> ManifestError {
        ManifestError(.typeMismatch, "expected \(expected), found \(value.kindDescription)", at: path)
    }
}
