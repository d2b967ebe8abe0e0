import HyperMeshErrors

/// Why a registry, an OCI artifact or a transfer failed: a typed error with a stable code, the
/// registry and repository (or package) it is about, a message that says what to fix, and the cause.
///
/// The subject names what failed, most specific first, e.g.
/// `org.example.hello 1.2.0 from localhost:5000/hypermesh/hello` or `registry localhost:5000`.
public struct RegistryError: HyperMeshError, Hashable {
    public typealias Code = HyperMeshErrorCode<RegistryError>

    public let code: Code
    public let message: String
    /// The registry, repository, reference or package the error is about.
    public let subject: String?
    private let storedCause: HyperMeshErrorCause?

    public var underlyingError: (any Error & Sendable)? { storedCause?.error }
    public var cause: String? { storedCause?.description }

    public init(_ code: Code, subject: String? = nil, _ message: String, cause: String? = nil) {
        self.code = code
        self.subject = subject
        self.message = message
        self.storedCause = HyperMeshErrorCause(text: cause)
    }

    public init(_ code: Code, subject: String? = nil, _ message: String, cause: any Error & Sendable) {
        self.code = code
        self.subject = subject
        self.message = message
        self.storedCause = HyperMeshErrorCause(cause)
    }
}

extension HyperMeshErrorCode where Domain == RegistryError {
    /// An image reference, a digest or a media type is malformed (`registry/repo:tag@sha256:…`).
    public static var referenceInvalid: Self { Self("oci.reference_invalid", .invalidInput) }
    /// A manifest, index or artifact is not what a HyperMesh package must be (wrong artifact type,
    /// a missing config, a layer without a title, two layers with one title, a path that escapes).
    public static var artifactInvalid: Self { Self("oci.artifact_invalid", .integrity) }
    /// No manifest of the image index is for this host's platform.
    public static var platformUnavailable: Self { Self("oci.platform_unavailable", .notFound) }
    /// Bytes received do not hash to the digest they were asked by.
    public static var digestMismatch: Self { Self("oci.digest_mismatch", .integrity) }
    /// A response's `Content-Type` or a descriptor's `mediaType` disagrees with what was asked.
    public static var mediaTypeMismatch: Self { Self("oci.media_type_mismatch", .integrity) }
    /// A manifest or blob is larger than its limit or than its descriptor says.
    public static var tooLarge: Self { Self("oci.too_large", .tooLarge) }
    /// A blob ended before the size its descriptor says (or a file to push has another size).
    public static var sizeMismatch: Self { Self("oci.size_mismatch", .integrity) }
    /// The registry has no such repository, tag, manifest or blob.
    public static var notFound: Self { Self("oci.not_found", .notFound) }
    /// The registry wants credentials, or refused the ones sent.
    public static var unauthorized: Self { Self("oci.unauthorized", .unauthenticated) }
    /// The registry refused the operation for these credentials (403).
    public static var denied: Self { Self("oci.denied", .forbidden) }
    /// Still 429 after the retries.
    public static var rateLimited: Self { Self("oci.rate_limited", .rateLimited) }
    /// The registry cannot be reached, or still answered 5xx after the retries.
    public static var unavailable: Self { Self("oci.unavailable", .unavailable) }
    /// The registry answered something the distribution protocol does not allow.
    public static var protocolViolation: Self { Self("oci.protocol_violation", .integrity) }
    /// Plain HTTP to a registry that is neither on loopback nor listed as insecure by the operator.
    public static var insecureRefused: Self { Self("oci.insecure_refused", .forbidden) }
    /// Stored credentials or a Docker `config.json` cannot be read or written.
    public static var credentialsUnreadable: Self { Self("oci.credentials_unreadable", .invalidInput) }
    /// The package does not run on this host: its host ABI range excludes this host's ABI, or it
    /// has no build for this platform. Checked from the index before any download and again from
    /// the package's own manifest before it is stored.
    public static var incompatible: Self { Self("oci.incompatible", .conflict) }
    /// The artifact's `extension.json` names another extension or version than the one asked for
    /// (a tag moved, or an index entry that lies).
    public static var packageMismatch: Self { Self("oci.package_mismatch", .integrity) }
    /// The package failed verification (signature, chain, files, revocation): the trust error is
    /// the cause. Nothing of it is installed.
    public static var verificationRefused: Self { Self("oci.verification_refused", .integrity) }
    /// The lock file is not valid JSON or does not follow its format.
    public static var lockInvalid: Self { Self("oci.lock_invalid", .invalidInput) }
    /// A local file (a package folder, an OCI layout, a temporary file) cannot be read or written.
    public static var fileFailed: Self { Self("oci.file_failed", .internal) }
}

extension RegistryError {
    public static var knownCodes: [Code] {
        [.referenceInvalid, .artifactInvalid, .platformUnavailable, .digestMismatch, .mediaTypeMismatch,
         .tooLarge, .notFound, .unauthorized, .denied, .rateLimited, .unavailable, .protocolViolation,
         .insecureRefused, .credentialsUnreadable, .incompatible, .packageMismatch, .verificationRefused, .fileFailed,
         .sizeMismatch, .lockInvalid]
    }
}
