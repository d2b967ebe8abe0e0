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
        discussion: "Send KEY.pub to your CA (`hypermesh trust issue`); KEY never leaves your machine.")

    @Option(help: "Where to write the private key (PEM); must not exist.") public var out: String
    @Option(help: "ed25519 (default) or p256.") public var algorithm: String = SigningAlgorithm.ed25519.rawValue

    public init() {}

    public func validate() throws {
        guard SigningAlgorithm(rawValue: algorithm) != nil else {
            throw ValidationError("unknown algorithm '\(algorithm)'; use ed25519 or p256")
        }
    }

    public func run() async throws {
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
            Console.current.out("wrote \(key.algorithm.rawValue) key \(file.path) (0600) and public key \(publicFile.path)")
        } catch {
            throw CommandFailure.report(error, json: false)
        }
    }
}
