import ArgumentParser
import Foundation
import HyperMeshExtensions
import HyperMeshManifest
import HyperMeshState
import HyperMeshTrust

/// Prints an error the way every command does (plain or JSON) and turns it into exit code 1.
enum CommandFailure {
    static func report(_ error: any Error, json: Bool) -> ExitCode {
        let console = Console.current
        let record = ErrorRecord(error)
        if json {
            console.out(JSONOutput.string(["error": record]))
        } else {
            console.err("error: \(record.text)")
        }
        return ExitCode(1)
    }
}

/// The JSON shape of an error: a stable code, the extension, a message and the cause.
struct ErrorRecord: Error, Codable, Equatable {
    var code: String
    var `extension`: String?
    var message: String
    var cause: String?

    init(_ error: any Error) {
        switch error {
        case let error as ErrorRecord:
            self = error
        case let error as ExtensionError:
            self.init(code: error.code.rawValue, extension: error.extensionID, message: error.message, cause: error.cause)
        case let error as StateError:
            self.init(code: error.code.rawValue, extension: nil, message: error.message, cause: error.cause)
        case let error as ManifestError:
            self.init(code: error.code.rawValue, extension: nil, message: error.description, cause: error.cause)
        case let error as PackageError:
            self.init(code: error.code.rawValue, extension: nil, message: error.message, cause: error.cause)
        case let error as TrustError:
            self.init(code: error.code.rawValue, extension: nil,
                      message: (error.check.map { "check '\($0.rawValue)' failed: " } ?? "") + error.message, cause: error.cause)
        case let error as ArchiveError:
            self.init(code: error.code.rawValue, extension: nil,
                      message: error.message + (error.entry.map { " (entry '\($0)')" } ?? ""), cause: error.cause)
        case let error as DiscoveryProblem:
            self.init(error.error)
        default:
            self.init(code: "cli.error", extension: nil, message: "\(error)", cause: nil)
        }
    }

    init(code: String, extension: String?, message: String, cause: String?) {
        self.code = code
        self.extension = `extension`
        self.message = message
        self.cause = cause
    }

    var text: String {
        var text = "[\(code)]"
        if let `extension` { text += " \(`extension`):" }
        text += " \(message)"
        if let cause, !cause.isEmpty { text += "\n  cause: \(cause)" }
        return text
    }
}

enum JSONOutput {
    static func string(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
