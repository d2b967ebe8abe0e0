/// Why a package, a key, a certificate or the trust store cannot be trusted: a typed error with a
/// stable code, the verification check it belongs to (if any), a message that says what to fix,
/// and the underlying cause.
public struct TrustError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A listed file is missing, differs from its digest, or an unlisted file is present.
        case fileCheckFailed = "trust.file_check_failed"
        /// `extension.json` cannot be read or decoded, so there is nothing to sign or verify.
        case manifestInvalid = "trust.manifest_invalid"
        /// The package has no `extension.sig` and unsigned packages are not allowed.
        case signatureMissing = "trust.signature_missing"
        /// `extension.sig` (or a revocation list's signature) cannot be parsed.
        case signatureMalformed = "trust.signature_malformed"
        /// `extension.sig` (or a revocation list's signature) is larger than
        /// ``PackageSignature/maximumFileBytes`` or carries more than
        /// ``PackageSignature/maximumCertificates`` certificates; refused before any parsing.
        case signatureTooLarge = "trust.signature_too_large"
        /// The signature does not verify over the manifest's bytes with the signer's key.
        case signatureInvalid = "trust.signature_invalid"
        /// A certificate of the chain is past its `notAfter`.
        case certificateExpired = "trust.certificate_expired"
        /// A certificate of the chain is before its `notBefore`.
        case certificateNotYetValid = "trust.certificate_not_yet_valid"
        /// The chain does not lead to a root in the operator's trust store.
        case untrustedChain = "trust.untrusted_chain"
        /// The signer's certificate is not for code signing (extended key usage or key usage).
        case notForCodeSigning = "trust.not_code_signing"
        /// A certificate of the chain is on the revocation list.
        case certificateRevoked = "trust.certificate_revoked"
        /// The package's digest is on the revocation list.
        case packageRevoked = "trust.package_revoked"
        /// The revocation list is not signed by a root of the trust store.
        case revocationListUntrusted = "trust.revocation_list_untrusted"
        /// The revocation list cannot be read or parsed.
        case revocationListMalformed = "trust.revocation_list_malformed"
        /// The trust store folder or one of its files cannot be read.
        case trustStoreUnreadable = "trust.store_unreadable"
        /// A private key file cannot be read or parsed.
        case keyUnreadable = "trust.key_unreadable"
        /// A certificate file cannot be read or parsed.
        case certificateUnreadable = "trust.certificate_unreadable"
        /// A key is of an algorithm other than Ed25519 or P-256.
        case unsupportedKey = "trust.unsupported_key"
        /// The signing key does not belong to the certificate it is used with.
        case keyMismatch = "trust.key_mismatch"
        /// Creating a key, certificate or signature failed.
        case signingFailed = "trust.signing_failed"
        /// A file could not be written.
        case writeFailed = "trust.write_failed"
    }

    public let code: Code
    /// The verification check that failed, when the error comes from verifying a package.
    public let check: VerificationCheck?
    public let message: String
    /// The underlying error, if any.
    public let cause: String?

    public init(_ code: Code, check: VerificationCheck? = nil, _ message: String, cause: String? = nil) {
        self.code = code
        self.check = check
        self.message = message
        self.cause = cause
    }

    public var description: String {
        var text = "[\(code.rawValue)]"
        if let check { text += " check '\(check.rawValue)' failed:" }
        text += " \(message)"
        if let cause { text += " (cause: \(cause))" }
        return text
    }
}
