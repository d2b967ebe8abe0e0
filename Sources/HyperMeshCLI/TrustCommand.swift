import ArgumentParser
import Foundation
import HyperMeshTrust
import X509

/// `hypermesh trust …`: the operator's trust store and development certificate authorities.
public struct TrustCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "trust",
        abstract: "Manage the trust store (roots, revocation list) and development CAs.",
        discussion: """
            The host loads a signed package only if its signer's certificate chains to a root in
            the trust store, is valid now, allows code signing, and neither it nor the package is
            on the store's revocation list. See docs/signing.md.

            A development setup in three commands:
              hypermesh trust init ./dev-ca
              hypermesh trust add ./dev-ca/root-ca.pem
              hypermesh ext sign extensions/catalog --key ./dev-ca/code-signing.key --cert ./dev-ca/code-signing.pem
            """,
        subcommands: [InitTrust.self, AddTrustRoot.self, ListTrust.self, RemoveTrustRoot.self, IssueCertificate.self, RevokeTrust.self])

    public init() {}
}

/// `hypermesh trust init DIR`
public struct InitTrust: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a development root CA and a code-signing certificate under it.",
        discussion: """
            Writes DIR/root-ca.key, DIR/root-ca.pem, DIR/code-signing.key and DIR/code-signing.pem.
            Keys are written with mode 0600 and never overwritten. For development: a production
            root key belongs offline.

            With --json: {"directory", "root": {"certificate", "key", "subject", "fingerprint",
            "notAfter"}, "signing": {…the same fields}} (paths of the files written).
            """)

    @Argument(help: "The folder to create the CA in.") public var directory: String
    @Option(help: "The name in the certificates' common names.") public var name = "HyperMesh Development"
    @Option(help: "ed25519 or p256.") public var algorithm: String = SigningAlgorithm.ed25519.rawValue
    @OptionGroup public var format: OutputOptions

    public init() {}

    public func validate() throws {
        guard SigningAlgorithm(rawValue: algorithm) != nil else {
            throw ValidationError("unknown algorithm '\(algorithm)'; use ed25519 or p256")
        }
    }

    /// The `--json` document.
    struct Output: Codable {
        /// One certificate the command wrote, with its key.
        struct Issued: Codable {
            var certificate: String
            var key: String
            var subject: String
            var fingerprint: String
            var notAfter: String
        }
        var directory: String
        var root: Issued
        var signing: Issued
    }

    public func run() async throws {
        let folder = URL(fileURLWithPath: directory)
        let ca: DevelopmentCA
        do {
            ca = try DevelopmentCA.create(in: folder, name: name, algorithm: SigningAlgorithm(rawValue: algorithm) ?? .ed25519)
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
        let path = { (name: String) in folder.appendingPathComponent(name).path }
        if format.json {
            let issued = { (certificate: Certificate, certificateName: String, keyName: String) in
                let summary = VerificationOutput.CertificateOutput(CertificateSummary(certificate))
                return Output.Issued(certificate: path(certificateName), key: path(keyName), subject: summary.subject,
                                     fingerprint: summary.fingerprint, notAfter: summary.notAfter)
            }
            Console.current.out(JSONOutput.string(Output(
                directory: folder.path,
                root: issued(ca.root, DevelopmentCA.rootCertificateName, DevelopmentCA.rootKeyName),
                signing: issued(ca.signingCertificate, DevelopmentCA.signingCertificateName, DevelopmentCA.signingKeyName))))
            return
        }
        Console.current.out("""
            created a development CA in \(folder.path)
              root certificate:  \(path(DevelopmentCA.rootCertificateName))  sha256:\(CertificatePEM.fingerprint(ca.root))
              root key:          \(path(DevelopmentCA.rootKeyName))  (keep private)
              signing cert:      \(path(DevelopmentCA.signingCertificateName))  (\(ca.signingCertificate.subject), until \(ca.signingCertificate.notValidAfter))
              signing key:       \(path(DevelopmentCA.signingKeyName))
            next:
              hypermesh trust add \(path(DevelopmentCA.rootCertificateName))
              hypermesh ext sign PACKAGE --key \(path(DevelopmentCA.signingKeyName)) --cert \(path(DevelopmentCA.signingCertificateName))
            """)
    }
}

/// `hypermesh trust add CERT…`
public struct AddTrustRoot: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Trust a root CA certificate (PEM): packages whose chain ends at it can load.",
        discussion: """
            The files are read in order and each root is added as it is checked: a failure leaves the
            roots before it added. With --json: {"trustStore", "added": [{"subject", "fingerprint",
            "file"}]}.
            """)

    @OptionGroup public var trust: TrustOptions
    @Argument(help: "Root certificate PEM files.") public var certificates: [String]
    @OptionGroup public var format: OutputOptions

    public init() {}

    /// The `--json` document.
    struct Output: Codable {
        struct Root: Codable {
            var subject: String
            var fingerprint: String
            /// Where the store keeps it now.
            var file: String
        }
        var trustStore: String
        var added: [Root]
    }

    public func run() async throws {
        var output = Output(trustStore: trust.directory.path, added: [])
        do {
            for certificate in try readCertificates(certificates) {
                let file = try TrustStore.addRoot(certificate, to: trust.directory)
                output.added.append(Output.Root(subject: String(describing: certificate.subject),
                                                fingerprint: CertificatePEM.fingerprint(certificate), file: file.path))
            }
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
        if format.json {
            Console.current.out(JSONOutput.string(output))
        } else {
            for root in output.added {
                Console.current.out("trusted \(root.subject) (sha256:\(root.fingerprint)) as \(root.file)")
            }
        }
    }
}

/// `hypermesh trust remove FINGERPRINT`
public struct RemoveTrustRoot: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Stop trusting a root (by its SHA-256 fingerprint, as `trust list` shows it).",
        discussion: """
            Packages signed under that root are refused from the next start on. With --json:
            {"trustStore", "fingerprint", "removed": [file paths]}.
            """)

    @OptionGroup public var trust: TrustOptions
    @Argument(help: "The root's SHA-256 fingerprint (64 hex digits).") public var fingerprint: String
    @OptionGroup public var format: OutputOptions

    public init() {}

    /// The `--json` document.
    struct Output: Codable {
        var trustStore: String
        var fingerprint: String
        var removed: [String]
    }

    public func run() async throws {
        let removed: [URL]
        do {
            removed = try TrustStore.removeRoot(fingerprint: fingerprint, from: trust.directory)
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
        if format.json {
            Console.current.out(JSONOutput.string(Output(trustStore: trust.directory.path, fingerprint: fingerprint.lowercased(),
                                                         removed: removed.map(\.path))))
        } else {
            for file in removed {
                Console.current.out("removed \(file.path)")
            }
        }
    }
}

/// `hypermesh trust list`
public struct ListTrust: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Show the trusted roots and the revocation list.")

    @OptionGroup public var trust: TrustOptions
    @OptionGroup public var format: OutputOptions

    public init() {}

    struct Output: Codable {
        struct Revocations: Codable {
            var issued: String
            var certificates: [String]
            var packages: [String]
        }
        var directory: String
        var roots: [VerificationOutput.CertificateOutput]
        var revocations: Revocations?
        var revocationProblem: ErrorRecord?
    }

    public func run() async throws {
        let output: Output
        do {
            let store = try TrustStore.load(from: trust.directory)
            output = Output(
                directory: trust.directory.path,
                roots: store.roots.map { VerificationOutput.CertificateOutput(CertificateSummary($0)) },
                revocations: store.revocations.map {
                    Output.Revocations(issued: ISO8601DateFormatter().string(from: $0.issued),
                                       certificates: $0.certificates.sorted(), packages: $0.packages.sorted())
                },
                revocationProblem: store.revocationProblem.map { ErrorRecord($0) })
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
        if format.json {
            Console.current.out(JSONOutput.string(output))
            return
        }
        var lines = ["trust store: \(output.directory)"]
        if output.roots.isEmpty {
            lines.append("  no roots: no signed package can load (add one with `hypermesh trust add ROOT.pem`)")
        }
        for root in output.roots {
            lines.append("  root \(root.subject)  sha256:\(root.fingerprint)  \(root.notBefore) to \(root.notAfter)")
        }
        if let revocations = output.revocations {
            lines.append("  revocation list issued \(revocations.issued): \(revocations.certificates.count) certificate(s), \(revocations.packages.count) package(s)")
        } else if let problem = output.revocationProblem {
            lines.append("  revocation list UNUSABLE, every package will be refused: \(problem.text)")
        } else {
            lines.append("  no revocation list")
        }
        Console.current.out(lines.joined(separator: "\n"))
    }
}
