import Foundation
import X509

/// The operator's TrustChain anchors and revocation list, read from a folder:
///
/// ```
/// DIR/roots/*.pem          trusted root certificates (one or more PEM blocks per file)
/// DIR/revocations.json     optional RevocationList
/// DIR/revocations.sig      its signature by one of the roots (required when the list exists)
/// ```
///
/// The default folder is `trust/` in the host's state dir. A store that does not exist is empty:
/// no signed package verifies against it. A revocation list that is malformed or not signed by
/// a root of this store is kept as ``revocationProblem`` and makes every verification fail at the
/// `revocation` check (fail closed) instead of being ignored.
public struct TrustStore: Sendable {
    public static let rootsFolderName = "roots"
    static let certificateExtensions: Set<String> = ["pem", "crt"]

    /// The folder this store was read from, if any.
    public let directory: URL?
    public let roots: [Certificate]
    /// SHA-256 fingerprints of `roots`.
    public let rootFingerprints: Set<String>
    /// The revocation list in force, if the store has a valid one.
    public let revocations: RevocationList?
    /// Why the store's revocation list cannot be used, if it has one that is broken or untrusted.
    public let revocationProblem: TrustError?

    /// A store with no roots: only unsigned packages can load against it, and only when allowed.
    public static let empty = TrustStore(roots: [])

    /// A store built in memory (the revocation list, if any, is taken as already verified).
    public init(roots: [Certificate], revocations: RevocationList? = nil) {
        self.init(directory: nil, roots: roots, revocations: revocations, revocationProblem: nil)
    }

    private init(directory: URL?, roots: [Certificate], revocations: RevocationList?, revocationProblem: TrustError?) {
        self.directory = directory
        self.roots = roots
        self.rootFingerprints = Set(roots.map(CertificatePEM.fingerprint))
        self.revocations = revocations
        self.revocationProblem = revocationProblem
    }

    /// `trust/` inside the host's state directory.
    public static func defaultDirectory(stateDirectory: URL) -> URL {
        stateDirectory.appendingPathComponent("trust")
    }

    /// Reads the store at `directory`. A missing folder gives an empty store; an unreadable root
    /// certificate is an error (an operator's typo must not silently drop a root).
    public static func load(from directory: URL, now: Date = Date()) throws(TrustError) -> TrustStore {
        let rootsFolder = directory.appendingPathComponent(rootsFolderName)
        var roots: [Certificate] = []
        if FileManager.default.fileExists(atPath: rootsFolder.path) {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: rootsFolder.path).sorted()
            } catch {
                throw TrustError(.trustStoreUnreadable, "cannot list \(rootsFolder.path)", cause: "\(error)")
            }
            for name in names where certificateExtensions.contains((name as NSString).pathExtension.lowercased()) {
                roots += try CertificatePEM.certificates(contentsOf: rootsFolder.appendingPathComponent(name))
            }
        }
        let partial = TrustStore(directory: directory, roots: roots, revocations: nil, revocationProblem: nil)
        switch partial.readRevocations(now: now) {
        case .none:
            return partial
        case .success(let list):
            return TrustStore(directory: directory, roots: roots, revocations: list, revocationProblem: nil)
        case .failure(let problem):
            return TrustStore(directory: directory, roots: roots, revocations: nil, revocationProblem: problem)
        }
    }

    /// The revocation list of the store's folder, checked against the store's roots.
    private func readRevocations(now: Date) -> Result<RevocationList, TrustError>? {
        guard let directory else { return nil }
        let listFile = directory.appendingPathComponent(RevocationList.fileName)
        let signatureFile = directory.appendingPathComponent(RevocationList.signatureFileName)
        guard FileManager.default.fileExists(atPath: listFile.path) else { return nil }
        guard let data = FileManager.default.contents(atPath: listFile.path) else {
            return .failure(TrustError(.revocationListMalformed, check: .revocation, "cannot read \(listFile.path)"))
        }
        guard FileManager.default.fileExists(atPath: signatureFile.path) else {
            return .failure(TrustError(.revocationListUntrusted, check: .revocation,
                                       "\(RevocationList.fileName) has no \(RevocationList.signatureFileName); sign it with `hypermesh trust revoke` using a root key"))
        }
        do throws(TrustError) {
            let signature = try PackageSignature(contentsOf: signatureFile)
            guard let signerFingerprint = signature.chainFingerprints.first, rootFingerprints.contains(signerFingerprint) else {
                throw TrustError(.revocationListUntrusted, check: .revocation,
                                 "\(RevocationList.fileName) is signed by '\(signature.signer.subject)', which is not a root of this trust store")
            }
            guard signature.signer.notValidBefore <= now, now <= signature.signer.notValidAfter else {
                throw TrustError(.revocationListUntrusted, check: .revocation,
                                 "the root that signed \(RevocationList.fileName) is outside its validity period")
            }
            guard signature.isValid(over: data) else {
                throw TrustError(.revocationListUntrusted, check: .revocation,
                                 "the signature of \(RevocationList.fileName) does not verify: the list was changed after signing")
            }
            return .success(try RevocationList(decoding: data, source: RevocationList.fileName))
        } catch {
            if error.code == .signatureMalformed {
                return .failure(TrustError(.revocationListUntrusted, check: .revocation,
                                           "\(RevocationList.signatureFileName) is unreadable", cause: error.description))
            }
            return .failure(error)
        }
    }
}
