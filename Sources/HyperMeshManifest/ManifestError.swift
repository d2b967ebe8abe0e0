import HyperMeshStrictJSON
import HyperMeshErrors

/// Why an `extension.json` was refused: a stable ``code``, a ``message`` that says what is wrong
/// and how to fix it, the JSON ``path`` of the offending value, the ``source`` file and the
/// underlying ``cause``.
///
/// The message is complete on its own (it already contains the cause's reason, in words suited
/// to the manifest); ``cause`` keeps the lower-level error text for logs and tools.
public struct ManifestError: HyperMeshError, Equatable {
    /// The stable codes of ``ManifestError``, each with its category (declared below). Raw values never
    /// change once released; new codes may be added.
    public typealias Code = HyperMeshErrorCode<ManifestError>

    public let code: Code
    public let message: String
    /// JSON path of the offending value, e.g. `$.quotas.concurrency`; nil when the error is about
    /// the whole file (unreadable, too large).
    public let path: String?
    /// The file the manifest came from, when known.
    public let source: String?
    private let storedCause: HyperMeshErrorCause?

    /// The error that caused this one, when there is one.
    public var underlyingError: (any Error & Sendable)? { storedCause?.error }
    /// The underlying error's description, when there is one.
    public var cause: String? { storedCause?.description }
    /// `source: path`, leaving out the parts that are nil, e.g. `extension.json: $.quotas.cpuSeconds`.
    public var subject: String? {
        let parts = [source, path].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: ": ")
    }

    public init(code: Code, message: String, path: String? = nil, source: String? = nil, cause: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.source = source
        self.storedCause = HyperMeshErrorCause(text: cause)
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

extension HyperMeshErrorCode where Domain == ManifestError {
    /// The package folder has no `extension.json`.
    public static var fileNotFound: Self { Self("manifest.file_not_found", .notFound) }
    /// `extension.json` exists but could not be read (permissions, a folder in its place...).
    public static var unreadable: Self { Self("manifest.unreadable", .invalidInput) }
    /// The manifest is larger than ``ManifestDecoder/maximumSize``.
    public static var tooLarge: Self { Self("manifest.too_large", .tooLarge) }
    /// The bytes are not a strict JSON document (RFC 8259, UTF-8).
    public static var invalidJSON: Self { Self("manifest.invalid_json", .invalidInput) }
    /// The same key appears twice in one object.
    public static var duplicateKey: Self { Self("manifest.duplicate_key", .invalidInput) }
    /// A key the manifest format does not define (often a typo).
    public static var unknownKey: Self { Self("manifest.unknown_key", .invalidInput) }
    /// A required key is absent.
    public static var missingKey: Self { Self("manifest.missing_key", .invalidInput) }
    /// A value has the wrong JSON type (including `null` where a value is expected).
    public static var typeMismatch: Self { Self("manifest.type_mismatch", .invalidInput) }
    /// `version` is not a Semantic Versioning 2.0.0 version.
    public static var badVersion: Self { Self("manifest.bad_version", .invalidInput) }
    /// A dependency's value is not a version range.
    public static var badVersionRange: Self { Self("manifest.bad_version_range", .invalidInput) }
    /// `id` or a dependency key is not a lower-case reverse-DNS identifier.
    public static var badIdentifier: Self { Self("manifest.bad_identifier", .invalidInput) }
    /// A capability name that ``Capability`` does not define.
    public static var unknownCapability: Self { Self("manifest.unknown_capability", .invalidInput) }
    /// A capability listed twice.
    public static var duplicateCapability: Self { Self("manifest.duplicate_capability", .invalidInput) }
    /// `kind` is neither `native` nor `wasm`.
    public static var unknownKind: Self { Self("manifest.unknown_kind", .invalidInput) }
    /// `entry` or a `files` key is not a safe package-relative path.
    public static var badPath: Self { Self("manifest.bad_path", .invalidInput) }
    /// A `files` value is not 64 lower-case hexadecimal characters.
    public static var badDigest: Self { Self("manifest.bad_digest", .invalidInput) }
    /// `files` is not empty but does not list `entry`.
    public static var entryNotListed: Self { Self("manifest.entry_not_listed", .invalidInput) }
    /// `abi.min`/`abi.max` out of the unsigned 32-bit range, or `min > max`.
    public static var badABIRange: Self { Self("manifest.bad_abi_range", .invalidInput) }
    /// `category` is not `[a-z][a-z0-9-]*` of at most 64 characters.
    public static var badCategory: Self { Self("manifest.bad_category", .invalidInput) }
    /// A string that must not be empty is empty (`name`, `license`, an author).
    public static var badValue: Self { Self("manifest.bad_value", .invalidInput) }
    /// A quota out of its range (see ``Quotas``).
    public static var badQuota: Self { Self("manifest.bad_quota", .invalidInput) }
    /// A `networkHosts` entry is not `host` or `host:port` (lower-case, no scheme, no path).
    public static var badNetworkHost: Self { Self("manifest.bad_network_host", .invalidInput) }
    public static var badIsolation: Self { Self("manifest.bad_isolation", .invalidInput) }
    /// `engine` is not `interpreted` or `compiled`, or is given for a native extension.
    public static var badEngine: Self { Self("manifest.bad_engine", .invalidInput) }
    /// The extension lists itself in `dependencies`.
    public static var selfDependency: Self { Self("manifest.self_dependency", .invalidInput) }
}

extension ManifestError {
    public static var knownCodes: [HyperMeshErrorCode<ManifestError>] {
        [.fileNotFound, .unreadable, .tooLarge, .invalidJSON, .duplicateKey, .unknownKey, .missingKey, .typeMismatch, .badVersion, .badVersionRange, .badIdentifier, .unknownCapability, .duplicateCapability, .unknownKind, .badPath, .badDigest, .entryNotListed, .badABIRange, .badCategory, .badValue, .badQuota, .badNetworkHost, .badIsolation, .badEngine, .selfDependency]
    }
}
