import ArgumentParser
import Foundation
import HyperMeshTrust
import X509

/// `hypermesh trust issue`: a CA issues a certificate for an author's public key.
public struct IssueCertificate: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Issue a code-signing (or intermediate CA) certificate for a public key.",
        discussion: """
            The author runs `hypermesh keys generate --out author.key` and sends author.key.pub;
            the CA runs:
              hypermesh trust issue --ca-key root-ca.key --ca-cert root-ca.pem \\
                --public-key author.key.pub --name "Jane Author" --out author.pem

            With --json: {"file", "usage", "certificate": {"subject", "issuer", "fingerprint",
            "notBefore", "notAfter", "keyAlgorithm"}}.
            """)

    @Option(name: .customLong("ca-key"), help: "The issuing CA's private key (PEM).") public var caKey: String
    @Option(name: .customLong("ca-cert"), help: "The issuing CA's certificate (PEM).") public var caCert: String
    @Option(name: .customLong("public-key"), help: "The subject's public key (PEM, from `keys generate`).") public var publicKey: String
    @Option(help: "The subject's common name.") public var name: String
    @Option(help: "code-signing (default) or intermediate.") public var usage: String = CertificateUsage.codeSigning.rawValue
    @Option(help: "Validity in days from now.") public var days: Int = 365
    @Option(help: "Where to write the certificate (PEM); must not exist.") public var out: String
    @OptionGroup public var format: OutputOptions

    public init() {}

    /// The `--json` document.
    struct Output: Codable {
        var file: String
        var usage: String
        var certificate: VerificationOutput.CertificateOutput
    }

    public func validate() throws {
        guard let usage = CertificateUsage(rawValue: usage), usage != .serverAuthentication else {
            throw ValidationError("unknown usage '\(usage)'; use code-signing or intermediate")
        }
        guard days > 0 else { throw ValidationError("--days must be positive") }
    }

    public func run() async throws {
        let output: Output
        do {
            let issuerKey = try SigningKey(contentsOf: URL(fileURLWithPath: caKey))
            guard let issuer = try readCertificates([caCert]).first else {
                throw TrustError(.certificateUnreadable, "\(caCert) holds no certificate")
            }
            let subjectKey: Certificate.PublicKey
            do {
                subjectKey = try Certificate.PublicKey(pemEncoded: String(contentsOfFile: publicKey, encoding: .utf8))
            } catch {
                throw TrustError(.keyUnreadable, "\(publicKey) is not a PEM public key", cause: "\(error)")
            }
            let now = Date()
            let certificate = try CertificateAuthority.issue(
                commonName: name, publicKey: subjectKey, usage: CertificateUsage(rawValue: usage) ?? .codeSigning,
                issuer: issuer, issuerKey: issuerKey, notBefore: now.addingTimeInterval(-CertificateAuthority.skewAllowance),
                notAfter: now.addingTimeInterval(Double(days) * 86400))
            let file = URL(fileURLWithPath: out)
            guard !FileManager.default.fileExists(atPath: file.path) else {
                throw TrustError(.writeFailed, "\(out) exists; choose another --out")
            }
            try CertificatePEM.encode([certificate]).write(to: file, atomically: true, encoding: .utf8)
            output = Output(file: file.path, usage: usage, certificate: .init(CertificateSummary(certificate)))
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
        if format.json {
            Console.current.out(JSONOutput.string(output))
        } else {
            Console.current.out("issued \(output.certificate.subject) by \(output.certificate.issuer), until \(output.certificate.notAfter): \(output.file)")
        }
    }
}

/// `hypermesh trust revoke`: add certificates and packages to the store's signed revocation list.
public struct RevokeTrust: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke certificates or packages: rewrite the revocation list, signed by a root key.",
        discussion: """
            Entries already on the list are kept. The list is signed by the key of a root of the
            same trust store; a list that does not verify refuses every package (fail closed).
            Examples:
              hypermesh trust revoke --root-key root-ca.key --root-cert root-ca.pem --certificate leaked.pem
              hypermesh trust revoke --root-key root-ca.key --root-cert root-ca.pem --package extensions/bad

            With --json: {"trustStore", "issued", "certificates": [fingerprints], "packages":
            [digests]}: the whole list as written, sorted.
            """)

    @OptionGroup public var trust: TrustOptions
    @Option(name: .customLong("root-key"), help: "The private key of a root in the store (PEM).") public var rootKey: String
    @Option(name: .customLong("root-cert"), help: "That root's certificate (PEM).") public var rootCert: String
    @Option(name: .customLong("certificate"), help: "A certificate file to revoke (repeatable).") public var certificates: [String] = []
    @Option(name: .customLong("fingerprint"), help: "A certificate SHA-256 fingerprint to revoke (repeatable).") public var fingerprints: [String] = []
    @Option(name: .customLong("package"), help: "A package folder, or its digest as `ext verify` prints it, to revoke (repeatable).")
    public var packages: [String] = []
    @OptionGroup public var format: OutputOptions

    public init() {}

    /// The `--json` document.
    struct Output: Codable {
        var trustStore: String
        var issued: String
        var certificates: [String]
        var packages: [String]
    }

    public func run() async throws {
        let list: RevocationList
        do {
            let store = try TrustStore.load(from: trust.directory)
            if let problem = store.revocationProblem {
                throw TrustError(problem.code, "the current revocation list is unusable, refusing to extend it; fix or remove \(RevocationList.fileName) first",
                                 cause: problem.description)
            }
            var revocations = store.revocations ?? RevocationList()
            revocations.issued = Date()
            for certificate in try readCertificates(certificates) {
                revocations.certificates.insert(CertificatePEM.fingerprint(certificate))
            }
            for fingerprint in fingerprints {
                guard isDigest(fingerprint) else {
                    throw ValidationError("'\(fingerprint)' is not a SHA-256 fingerprint (64 hex digits)")
                }
                revocations.certificates.insert(fingerprint.lowercased())
            }
            for package in packages {
                revocations.packages.insert(try packageDigest(package))
            }
            try TrustStore.writeRevocations(revocations, rootKey: try SigningKey(contentsOf: URL(fileURLWithPath: rootKey)),
                                            root: try readCertificates([rootCert])[0], to: trust.directory)
            list = revocations
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
        if format.json {
            Console.current.out(JSONOutput.string(Output(
                trustStore: trust.directory.path, issued: ISO8601DateFormatter().string(from: list.issued),
                certificates: list.certificates.sorted(), packages: list.packages.sorted())))
        } else {
            Console.current.out("revocation list: \(list.certificates.count) certificate(s), \(list.packages.count) package(s), signed by the root")
        }
    }

    private func isDigest(_ text: String) -> Bool {
        text.count == 64 && text.allSatisfy(\.isHexDigit)
    }

    private func packageDigest(_ argument: String) throws -> String {
        if isDigest(argument) { return argument.lowercased() }
        let manifest = URL(fileURLWithPath: argument).appendingPathComponent("extension.json")
        guard let data = FileManager.default.contents(atPath: manifest.path) else {
            throw ValidationError("'\(argument)' is neither a package folder with extension.json nor a 64-hex-digit digest")
        }
        return FileDigest.sha256Hex(of: data)
    }
}
