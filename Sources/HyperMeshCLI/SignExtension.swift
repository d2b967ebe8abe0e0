import ArgumentParser
import Foundation
import HyperMeshTrust

/// `hypermesh ext sign PATH --key KEY --cert CERT`
public struct SignExtension: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign a package (folder or .hmx archive): write extension.sig over its extension.json.",
        discussion: """
            The package's files are checked against the manifest's digests first. The signature
            covers the exact bytes of extension.json, which lists the SHA-256 of every other file;
            extension.sig also carries the certificate chain (CERT, then --chain). An archive is
            signed in place (unpacked, signed, packed again).

            Example:
              hypermesh ext sign extensions/catalog --key dev-ca/code-signing.key --cert dev-ca/code-signing.pem
            """)

    @Argument(help: "The package folder or .hmx archive.") public var path: String
    @Option(help: "The signing key (PEM).") public var key: String
    @Option(help: "The signer's certificate (PEM; may hold intermediates after it).") public var cert: String
    @Option(help: "Intermediate CA certificates (PEM), signer's issuer first.") public var chain: String?
    @OptionGroup public var format: OutputOptions

    public init() {}

    struct Output: Codable {
        var package: String
        var signer: VerificationOutput.CertificateOutput
        var chainLength: Int
        var packageDigest: String
    }

    public func run() async throws {
        let output: Output
        do {
            let signingKey = try SigningKey(contentsOf: URL(fileURLWithPath: key))
            let certificates = try readCertificates([cert] + (chain.map { [$0] } ?? []))
            let location = try PackageLocation.open(path)
            defer { location.close() }
            let signature = try PackageSigner.sign(packageAt: location.directory, key: signingKey, chain: certificates)
            try location.commit()
            let manifest = try Data(contentsOf: location.directory.appendingPathComponent("extension.json"))
            output = Output(package: path, signer: .init(CertificateSummary(signature.signer)), chainLength: signature.chain.count,
                            packageDigest: FileDigest.sha256Hex(of: manifest))
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
        if format.json {
            Console.current.out(JSONOutput.string(output))
        } else {
            Console.current.out("signed \(output.package) as \(output.signer.subject) (chain of \(output.chainLength), package digest \(output.packageDigest))")
        }
    }
}
