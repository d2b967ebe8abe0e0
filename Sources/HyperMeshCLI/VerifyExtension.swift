import HyperMeshErrors
import ArgumentParser
import Foundation
import HyperMeshTrust

/// `hypermesh ext verify PATH`
public struct VerifyExtension: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a package (folder or .hmx archive) against the trust store, and show each check.",
        discussion: """
            Runs the checks the host runs before loading: files, signature, validity, chain,
            code-signing, revocation. Prints who signed it, the chain to the trusted root, and each
            check with pass or the reason it failed. Exit status 1 when the package is refused.
            """)

    @OptionGroup public var trust: TrustOptions
    @Argument(help: "The package folder or .hmx archive.") public var path: String
    @Flag(name: .customLong("allow-unsigned"), help: "Report an unsigned package as allowed (development) instead of refused.")
    public var allowUnsigned = false
    @OptionGroup public var format: OutputOptions

    public init() {}

    struct Output: Codable {
        var package: String
        var id: String
        var version: String
        var verification: VerificationOutput
    }

    public func run() async throws {
        let output: Output
        do {
            let verifier = PackageVerifier(trustStore: try TrustStore.load(from: trust.directory), allowUnsigned: allowUnsigned)
            let location = try PackageLocation.open(path)
            defer { location.close() }
            let (manifest, report) = try await verifier.verify(packageAt: location.directory)
            output = Output(package: path, id: manifest.id, version: manifest.version.description, verification: VerificationOutput(report))
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
        if format.json {
            Console.current.out(JSONOutput.string(output))
        } else {
            Console.current.out("\(output.id) \(output.version) (\(output.package))\n" + output.verification.text(indent: "  "))
        }
        if output.verification.exitCode != HyperMeshExitCode.success { throw ExitCode(output.verification.exitCode) }
    }
}
