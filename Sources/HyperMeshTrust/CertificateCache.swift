import X509

/// Certificates a ``PackageVerifier`` already parsed, keyed by their SHA-256 fingerprint (the
/// digest of their exact DER bytes), with the summary its reports show.
///
/// Parsing X.509 and formatting a certificate's names cost more than hashing its bytes; packages
/// from one author carry the same certificates, so the verifier hashes the DER bytes it reads
/// (which it needs anyway: revocation lists name certificates by that digest) and parses only
/// bytes it has not seen. The same bytes always parse to the same certificate, so a hit is the
/// result a parse would give, and a miss (never seen, or evicted) parses again.
///
/// What is cached: the parsed ``Certificate``, its ``CertificateSummary``, and the outcome of the
/// code-signing usage check on it (a function of the certificate's extensions alone), nothing
/// else. Not cached here: the signature over a package, the certificate's validity at a given
/// time, its chain to a root or its revocation, which the verifier checks on every call.
/// Bounded: at most ``defaultCapacity`` (256) certificates, the oldest evicted first.
final class CertificateCache: Sendable {
    /// How many certificates a verifier keeps parsed by default.
    static let defaultCapacity = 256

    struct Entry: Sendable {
        let certificate: Certificate
        let summary: CertificateSummary
        /// ``PackageVerifier/checkCodeSigningUsage(of:)`` on `certificate`: its text or its error.
        let codeSigningUsage: Result<String, TrustError>

        init(_ certificate: Certificate, fingerprint: String) {
            self.certificate = certificate
            summary = CertificateSummary(certificate, fingerprint: fingerprint)
            codeSigningUsage = Result { () throws(TrustError) in try PackageVerifier.checkCodeSigningUsage(of: certificate) }
        }
    }

    private let entries: BoundedCache<String, Entry>

    init(capacity: Int = CertificateCache.defaultCapacity) {
        entries = BoundedCache(capacity: capacity)
    }

    /// The certificate whose DER bytes are `derBytes`, with SHA-256 `fingerprint`: from the cache,
    /// or parsed now (and cached). Throws what parsing throws.
    func certificate(derEncoded derBytes: [UInt8], fingerprint: String) throws -> Certificate {
        if let entry = entries.value(for: fingerprint) { return entry.certificate }
        let certificate = try Certificate(derEncoded: derBytes)
        entries.insert(Entry(certificate, fingerprint: fingerprint), for: fingerprint)
        return certificate
    }

    /// The report summary of `certificate`, whose fingerprint is `fingerprint`: from the cache when
    /// that certificate is cached, else made now (and cached with it).
    func summary(of certificate: Certificate, fingerprint: String) -> CertificateSummary {
        entry(of: certificate, fingerprint: fingerprint).summary
    }

    /// The code-signing usage check on `certificate` (see ``PackageVerifier/checkCodeSigningUsage(of:)``):
    /// the cached outcome when that certificate is cached, else checked now (and cached with it).
    func checkCodeSigningUsage(of certificate: Certificate, fingerprint: String) throws(TrustError) -> String {
        try entry(of: certificate, fingerprint: fingerprint).codeSigningUsage.get()
    }

    private func entry(of certificate: Certificate, fingerprint: String) -> Entry {
        if let entry = entries.value(for: fingerprint), entry.certificate == certificate { return entry }
        let entry = Entry(certificate, fingerprint: fingerprint)
        entries.insert(entry, for: fingerprint)
        return entry
    }

    /// How many certificates are cached now.
    var count: Int { entries.count }

    /// The most certificates kept.
    var capacity: Int { entries.capacity }
}
