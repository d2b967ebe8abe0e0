import HyperMeshErrors

/// Why a package, a key, a certificate or the trust store cannot be trusted: a typed error with a
/// stable code, the verification check it belongs to (if any), a message that says what to fix,
/// and the underlying cause.
public struct TrustError: HyperMeshError, Hashable {
    /// The stable codes of ``TrustError``, each with its category (declared below). Raw values never
    /// change once released; new codes may be added.
    public typealias Code = HyperMeshErrorCode<TrustError>

    public let code: Code
    /// The verification check that failed, when the error comes from verifying a package.
    public let check: VerificationCheck?
    public let message: String
    private let storedCause: HyperMeshErrorCause?

    /// The error that caused this one, when there is one.
    public var underlyingError: (any Error & Sendable)? { storedCause?.error }
    /// The underlying error's description, when there is one.
    public var cause: String? { storedCause?.description }
    /// The failed check, as `check 'name' failed`, when there is one.
    public var subject: String? { check.map { "check '\($0.rawValue)' failed" } }

    public init(_ code: Code, check: VerificationCheck? = nil, _ message: String, cause: String? = nil) {
        self.code = code
        self.check = check
        self.message = message
        self.storedCause = HyperMeshErrorCause(text: cause)
    }

    /// An error caused by `cause`, which stays in the chain with its own code.
    public init(_ code: Code, check: VerificationCheck? = nil, _ message: String, cause: any Error & Sendable) {
        self.code = code
        self.check = check
        self.message = message
        self.storedCause = HyperMeshErrorCause(cause)
    }
}

extension HyperMeshErrorCode where Domain == TrustError {
    /// A listed file is missing, differs from its digest, or an unlisted file is present.
    public static var fileCheckFailed: Self { Self("trust.file_check_failed", .integrity) }
    /// `extension.json` cannot be read or decoded, so there is nothing to sign or verify.
    public static var manifestInvalid: Self { Self("trust.manifest_invalid", .invalidInput) }
    /// The package has no `extension.sig` and unsigned packages are not allowed.
    public static var signatureMissing: Self { Self("trust.signature_missing", .forbidden) }
    /// `extension.sig` (or a revocation list's signature) cannot be parsed.
    public static var signatureMalformed: Self { Self("trust.signature_malformed", .integrity) }
    /// `extension.sig` (or a revocation list's signature) is larger than
    /// ``PackageSignature/maximumFileBytes`` or carries more than
    /// ``PackageSignature/maximumCertificates`` certificates; refused before any parsing.
    public static var signatureTooLarge: Self { Self("trust.signature_too_large", .integrity) }
    /// The signature does not verify over the manifest's bytes with the signer's key.
    public static var signatureInvalid: Self { Self("trust.signature_invalid", .integrity) }
    /// A certificate of the chain is past its `notAfter`.
    public static var certificateExpired: Self { Self("trust.certificate_expired", .forbidden) }
    /// A certificate of the chain is before its `notBefore`.
    public static var certificateNotYetValid: Self { Self("trust.certificate_not_yet_valid", .forbidden) }
    /// The chain does not lead to a root in the operator's trust store.
    public static var untrustedChain: Self { Self("trust.untrusted_chain", .forbidden) }
    /// The signer's certificate is not for code signing (extended key usage or key usage).
    public static var notForCodeSigning: Self { Self("trust.not_code_signing", .forbidden) }
    /// A certificate of the chain is on the revocation list.
    public static var certificateRevoked: Self { Self("trust.certificate_revoked", .forbidden) }
    /// The package's digest is on the revocation list.
    public static var packageRevoked: Self { Self("trust.package_revoked", .forbidden) }
    /// The revocation list is not signed by a root of the trust store.
    public static var revocationListUntrusted: Self { Self("trust.revocation_list_untrusted", .integrity) }
    /// The revocation list cannot be read or parsed.
    public static var revocationListMalformed: Self { Self("trust.revocation_list_malformed", .invalidInput) }
    /// The trust store folder or one of its files cannot be read.
    public static var trustStoreUnreadable: Self { Self("trust.store_unreadable", .invalidInput) }
    /// A private key file cannot be read or parsed.
    public static var keyUnreadable: Self { Self("trust.key_unreadable", .invalidInput) }
    /// A certificate file cannot be read or parsed.
    public static var certificateUnreadable: Self { Self("trust.certificate_unreadable", .invalidInput) }
    /// A key is of an algorithm other than Ed25519 or P-256.
    public static var unsupportedKey: Self { Self("trust.unsupported_key", .invalidInput) }
    /// The signing key does not belong to the certificate it is used with.
    public static var keyMismatch: Self { Self("trust.key_mismatch", .invalidInput) }
    /// Creating a key, certificate or signature failed.
    public static var signingFailed: Self { Self("trust.signing_failed", .internal) }
    /// A file could not be written.
    public static var writeFailed: Self { Self("trust.write_failed", .internal) }
}

extension TrustError {
    public static var knownCodes: [HyperMeshErrorCode<TrustError>] {
        [.fileCheckFailed, .manifestInvalid, .signatureMissing, .signatureMalformed, .signatureTooLarge, .signatureInvalid, .certificateExpired, .certificateNotYetValid, .untrustedChain, .notForCodeSigning, .certificateRevoked, .packageRevoked, .revocationListUntrusted, .revocationListMalformed, .trustStoreUnreadable, .keyUnreadable, .certificateUnreadable, .unsupportedKey, .keyMismatch, .signingFailed, .writeFailed]
    }
}
