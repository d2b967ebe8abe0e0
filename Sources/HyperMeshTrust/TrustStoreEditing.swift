import Foundation
import X509

/// The operator's changes to a trust store folder. Each writes whole files (write to a temporary
/// name, then rename), so a reader never sees half a file.
extension TrustStore {
    /// Adds a root certificate as `roots/<name>.pem`, where the name is the certificate's
    /// fingerprint prefix (so adding the same root twice is harmless). Refuses a certificate that
    /// is not a CA.
    @discardableResult
    public static func addRoot(_ certificate: Certificate, to directory: URL) throws(TrustError) -> URL {
        guard case .isCertificateAuthority = (try? certificate.extensions.basicConstraints) ?? .notCertificateAuthority else {
            throw TrustError(.certificateUnreadable, "'\(certificate.subject)' is not a CA certificate (basic constraints); only CA certificates can be roots")
        }
        let folder = directory.appendingPathComponent(rootsFolderName)
        let file = folder.appendingPathComponent("root-\(CertificatePEM.fingerprint(certificate).prefix(16)).pem")
        try writeAtomically(Data(CertificatePEM.encode([certificate]).utf8), to: file)
        return file
    }

    /// Removes every root file whose certificates include the fingerprint. Returns the removed files.
    @discardableResult
    public static func removeRoot(fingerprint: String, from directory: URL) throws(TrustError) -> [URL] {
        let store = try load(from: directory)
        guard store.rootFingerprints.contains(fingerprint.lowercased()) else {
            throw TrustError(.trustStoreUnreadable, "no root with fingerprint \(fingerprint) in \(directory.path)")
        }
        let folder = directory.appendingPathComponent(rootsFolderName)
        var removed: [URL] = []
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names.sorted() {
            let file = folder.appendingPathComponent(name)
            guard let certificates = try? CertificatePEM.certificates(contentsOf: file),
                  certificates.contains(where: { CertificatePEM.fingerprint($0) == fingerprint.lowercased() }) else { continue }
            do {
                try FileManager.default.removeItem(at: file)
            } catch {
                throw TrustError(.writeFailed, "cannot remove \(file.path)", cause: "\(error)")
            }
            removed.append(file)
        }
        return removed
    }

    /// Writes `list` and its signature by `rootKey`, whose certificate `root` must be a root of
    /// the store at `directory`.
    public static func writeRevocations(_ list: RevocationList, rootKey: SigningKey, root: Certificate, to directory: URL) throws(TrustError) {
        let store = try load(from: directory)
        guard store.rootFingerprints.contains(CertificatePEM.fingerprint(root)) else {
            throw TrustError(.revocationListUntrusted, "'\(root.subject)' is not a root of \(directory.path); add it first with `hypermesh trust add`")
        }
        let data = list.encoded()
        let signature = try PackageSignature.sign(data, key: rootKey, chain: [root])
        // Signature first: between the two renames a reader sees a list that does not match its
        // signature and fails closed, never a new list trusted under an old signature.
        try writeAtomically(Data(signature.pemEncoded().utf8), to: directory.appendingPathComponent(RevocationList.signatureFileName))
        try writeAtomically(data, to: directory.appendingPathComponent(RevocationList.fileName))
    }

    static func writeAtomically(_ data: Data, to file: URL) throws(TrustError) {
        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: file, options: .atomic)
        } catch {
            throw TrustError(.writeFailed, "cannot write \(file.path)", cause: "\(error)")
        }
    }
}
