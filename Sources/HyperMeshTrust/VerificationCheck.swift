/// The checks a package goes through before any byte of its payload is mapped, in the order they
/// run. The first failure stops verification; the checks after it are reported as not run.
public enum VerificationCheck: String, Sendable, Equatable, CaseIterable, Codable {
    /// Every file listed in `extension.json` is present with its SHA-256; nothing unlisted.
    case files
    /// `extension.sig` is present and its signature verifies over the exact bytes of `extension.json`.
    case signature
    /// Every certificate of the presented chain is within its validity period now.
    case validity
    /// The chain leads to a root in the operator's trust store (RFC 5280 path validation).
    case chain
    /// The signer's certificate allows code signing (extended key usage `codeSigning`, and
    /// `digitalSignature` if it has a key usage extension).
    case codeSigning = "code-signing"
    /// Neither a certificate of the chain nor the package's digest is on the revocation list, and
    /// the list itself is signed by a trusted root.
    case revocation
}
