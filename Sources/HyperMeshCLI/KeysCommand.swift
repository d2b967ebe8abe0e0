import ArgumentParser
import Foundation
import HyperMeshTrust

/// `hypermesh keys …`
public struct KeysCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Create signing keys.", subcommands: [GenerateKey.self])

    public init() {}
}

/// `hypermesh keys generate --out KEY`
public struct GenerateKey: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a signing key (KEY, mode 0600) and its public key (KEY.pub).",
        discussion: """
            Send KEY.pub to your CA (`hypermesh trust issue`); KEY never leaves your machine.
            With --json: {"algorithm", "privateKey", "publicKey"} (the two file paths).
            """)

    @Option(help: "Where to write the private key (PEM); must not exist.") public var out: String
    @Option(help: "ed25519 (default) or p256.") public var algorithm: String = SigningAlgorithm.ed25519.rawValue
    @OptionGroup public var format: OutputOptions

    public init() {}

    public func validate() throws {
        guard SigningAlgorithm(rawValue: algorithm) != nil else {
            throw ValidationError("unknown algorithm '\(algorithm)'; use ed25519 or p256")
        }
    }

    /// The `--json` document.
    struct Output: Codable {
        var algorithm: String
        var privateKey: String
        var publicKey: String
    }

    public func run() async throws {
        let output: Output
        do {
            let key = SigningKey.generate(SigningAlgorithm(rawValue: algorithm) ?? .ed25519)
            let file = URL(fileURLWithPath: out)
            try key.write(to: file)
            let publicFile = URL(fileURLWithPath: out + ".pub")
            do {
                try key.publicKey.serializeAsPEM().pemString.appending("\n").write(to: publicFile, atomically: true, encoding: .utf8)
            } catch {
                throw TrustError(.writeFailed, "cannot write \(publicFile.path)", cause: "\(error)")
            }
            output = Output(algorithm: key.algorithm.rawValue, privateKey: file.path, publicKey: publicFile.path)
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
        if format.json {
            Console.current.out(JSONOutput.string(output))
        } else {
            Console.current.out("wrote \(output.algorithm) key \(output.privateKey) (0600) and public key \(output.publicKey)")
        }
    }
}
