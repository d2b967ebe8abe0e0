import ArgumentParser
import Foundation
import HyperMeshRegistry

/// `hypermesh registry login|logout`
public struct RegistryCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "Store or remove credentials for an OCI registry.",
        discussion: """
            Credentials are kept in registry-credentials.json in the state dir, written with mode
            0600 (a file readable by group or others is refused). They are sent only to the
            registry they belong to (Basic auth, or to its token service for Bearer tokens), never
            to another host a redirect points at. Without stored credentials, a Docker config.json's
            `auths` are used read-only (--docker-config).
            """,
        subcommands: [RegistryLogin.self, RegistryLogout.self])

    public init() {}
}

/// `hypermesh registry login REGISTRY --username U --password-stdin`
public struct RegistryLogin: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Store credentials for a registry (the password is read from stdin).",
        discussion: "The credentials are checked by listing the tags of --check-repository when given. With --json, stdout holds {\"registry\",\"username\",\"file\"}.")

    @Argument(help: "HOST[:PORT].") public var registry: String
    @Option(help: "The user name.") public var username: String
    @Flag(name: .customLong("password-stdin"), help: "Read the password from stdin (required: passwords never go on the command line).")
    public var passwordFromStandardInput = false
    @Option(name: .customLong("check-repository"), help: ArgumentHelp("A repository to list with the credentials before they are stored.", valueName: "repository"))
    public var checkRepository: String?
    @OptionGroup public var host: HostOptions
    @OptionGroup public var distribution: DistributionOptions
    @OptionGroup public var format: OutputOptions

    public init() {}

    public func validate() throws {
        guard passwordFromStandardInput else { throw ValidationError("give --password-stdin and pipe the password in") }
    }

    struct Output: Codable {
        var registry: String
        var username: String
        var file: String
    }

    public func run() async throws {
        let file = RegistryAccess.credentialsFile(stateDirectory: host.resolvedStateDirectory())
        let output: Output
        do {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw ValidationError("no password on stdin")
            }
            let credentials = RegistryCredentials(username: username, password: line)
            if let checkRepository {
                var settings = RegistryClientSettings()
                settings.insecureRegistries = Set(distribution.insecureRegistries)
                settings.caBundles = try distribution.caBundles()
                let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hypermesh-login-\(UUID().uuidString).json")
                defer { try? FileManager.default.removeItem(at: scratch) }
                let trial = RegistryCredentialStore(file: scratch, dockerConfig: nil)
                try trial.store(credentials, for: registry)
                settings.credentials = trial
                let client = RegistryClient(settings: settings)
                do {
                    _ = try await client.tags(of: try OCIReference(parsing: "\(registry)/\(checkRepository)"))
                    try? await client.shutdown()
                } catch {
                    try? await client.shutdown()
                    throw error
                }
            }
            try RegistryCredentialStore(file: file, dockerConfig: nil).store(credentials, for: registry)
            output = Output(registry: registry, username: username, file: file.path)
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
        if format.json {
            Console.current.out(JSONOutput.string(output))
        } else {
            Console.current.out("stored credentials of \(output.username) for \(output.registry) in \(output.file)")
        }
    }
}

/// `hypermesh registry logout REGISTRY`
public struct RegistryLogout: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "logout", abstract: "Remove the stored credentials for a registry.")

    @Argument(help: "HOST[:PORT].") public var registry: String
    @OptionGroup public var host: HostOptions
    @OptionGroup public var format: OutputOptions

    public init() {}

    public func run() async throws {
        let file = RegistryAccess.credentialsFile(stateDirectory: host.resolvedStateDirectory())
        do {
            try RegistryCredentialStore(file: file, dockerConfig: nil).remove(registry: registry)
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
        if format.json {
            Console.current.out(JSONOutput.string(["registry": registry]))
        } else {
            Console.current.out("removed the credentials for \(registry)")
        }
    }
}
