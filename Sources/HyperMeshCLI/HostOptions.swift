import ArgumentParser
import Foundation
import HyperMeshAudit
import HyperMeshExtensions
import HyperMeshRegistry
import HyperMeshSecurity
import HyperMeshTrust
import Logging

/// Options every command that touches extensions shares.
public struct HostOptions: ParsableArguments {
    @Option(name: .customLong("path"), help: ArgumentHelp(
        "A folder to search for extension packages (repeatable). Searched before $HYPERMESH_EXTENSION_PATH, ./extensions and the user's data dir.",
        valueName: "dir"))
    public var paths: [String] = []

    @Option(name: .customLong("state-dir"), help: ArgumentHelp(
        "Where the host keeps extension state (SQLite). Default: $HYPERMESH_STATE_DIR, else $XDG_DATA_HOME/hypermesh/state (~/.local/share/hypermesh/state).",
        valueName: "dir"))
    public var stateDirectory: String?

    @Option(name: .customLong("trust-store"), help: ArgumentHelp(
        "The operator's trust store: roots/*.pem and the signed revocation list. Default: trust/ in the state dir.",
        valueName: "dir"))
    public var trustStore: String?

    @Flag(name: .customLong("allow-unsigned"), help: ArgumentHelp(
        "Development only: also load packages without extension.sig (logged as a warning). A signed package that fails verification is refused regardless."))
    public var allowUnsigned = false

    @Option(name: .customLong("policy"), help: ArgumentHelp(
        "The operator's policy file: grants, quota overrides, anomaly and violation settings per extension and per signer. Default: policy.json in the state dir. Without one nothing is granted (see `hypermesh ext grant`).",
        valueName: "file"))
    public var policy: String?

    @Option(name: .customLong("node"), help: ArgumentHelp(
        "Act on the node at this endpoint (HOST:PORT or a socket path). Default: the node on the state dir's socket, if one runs.",
        valueName: "endpoint"))
    public var node: String?

    @Flag(name: .customLong("offline"), help: "Work on the state dir directly, even if a node runs.")
    public var offline = false

    @Option(name: .customLong("ca-bundle"), help: ArgumentHelp(
        "A PEM file of certificate authorities the extensions' HTTPS requests (http_request) trust besides the system's roots; repeatable. Verification is always on.",
        valueName: "file"))
    public var caBundles: [String] = []

    @Option(name: .customLong("log-level"), help: "Host log level on stderr: trace, debug, info, notice, warning, error, critical.")
    public var logLevel: String = "warning"

    public init() {}

    /// The state directory, after defaults.
    public func resolvedStateDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let stateDirectory { return URL(fileURLWithPath: stateDirectory) }
        if let fromEnvironment = environment["HYPERMESH_STATE_DIR"], !fromEnvironment.isEmpty {
            return URL(fileURLWithPath: fromEnvironment)
        }
        return SearchPaths.userDataDirectory(environment: environment).appendingPathComponent("state")
    }

    /// Where the host looks for packages: every `--path`, then `installed/` in the state dir (the
    /// packages `ext install` put there), then $HYPERMESH_EXTENSION_PATH and the defaults
    /// (``SearchPaths``).
    public func searchPaths(environment: [String: String] = ProcessInfo.processInfo.environment) -> [URL] {
        let installed = PackageStore.installedFolder(stateDirectory: resolvedStateDirectory(environment: environment))
        return SearchPaths.resolve(explicit: paths + [installed.path], environment: environment)
    }

    /// The trust store folder, after defaults.
    public func resolvedTrustStore(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        TrustStoreLocation.resolve(explicit: trustStore, stateDirectory: resolvedStateDirectory(environment: environment))
    }

    /// The policy file, after defaults.
    public func resolvedPolicyFile(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        policy.map { URL(fileURLWithPath: $0) } ?? PolicyFile.defaultLocation(stateDirectory: resolvedStateDirectory(environment: environment))
    }

    /// The operator's policy (deny-all when the file does not exist).
    package func loadPolicy() throws -> SecurityPolicy {
        do {
            return try PolicyFile.load(from: resolvedPolicyFile())
        } catch {
            throw ExtensionError(.policyInvalid, extensionID: nil, "the policy file cannot be used; fix it or move it away", cause: error)
        }
    }

    /// The audit log of the state dir (`audit.sqlite`), opened for this command.
    package func openAudit() throws -> AuditLog {
        try AuditLocation.open(stateDirectory: resolvedStateDirectory())
    }

    /// The verifier for this command: the trust store read now, and --allow-unsigned.
    package func makeVerifier(logger: Logger) throws -> PackageVerifier {
        let store = try TrustStore.load(from: resolvedTrustStore())
        if allowUnsigned {
            logger.warning("--allow-unsigned: unsigned packages will be loaded (development only)")
        }
        return PackageVerifier(trustStore: store, allowUnsigned: allowUnsigned)
    }

    public func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("unknown log level '\(logLevel)'; use one of: \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    /// A logger that writes to stderr at the chosen level, without touching the global logging
    /// bootstrap (so commands can run many times in one process, e.g. in tests).
    package func makeLogger() -> Logger {
        var logger = Logger(label: "hypermesh") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .warning
        return logger
    }
}
