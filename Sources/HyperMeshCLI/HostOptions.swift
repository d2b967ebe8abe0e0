import ArgumentParser
import Foundation
import HyperMeshExtensions
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

    public func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("unknown log level '\(logLevel)'; use one of: \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    /// A logger that writes to stderr at the chosen level, without touching the global logging
    /// bootstrap (so commands can run many times in one process, e.g. in tests).
    func makeLogger() -> Logger {
        var logger = Logger(label: "hypermesh") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .warning
        return logger
    }
}
