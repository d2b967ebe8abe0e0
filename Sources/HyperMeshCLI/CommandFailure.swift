import ArgumentParser
import Foundation
import HyperMeshErrors
import HyperMeshExtensions

/// Prints an error the way every command does (plain or JSON) and turns it into the exit code of
/// its category (``HyperMeshErrorCategory/exitCode``): 1 refused or invalid, 2 integrity failure,
/// 69 node or service unavailable, 70 internal failure.
package enum CommandFailure {
    package static func report(_ error: any Error, json: Bool) -> ExitCode {
        let console = Console.current
        let record = ErrorRecord(error)
        if json {
            console.out(JSONOutput.string(["error": record]))
        } else {
            console.err("error: \(record.text)")
        }
        return ExitCode(record.resolvedCategory.exitCode)
    }
}

/// The JSON error document of the CLI (`--json`) and of the node's API (`{"error": …}`): the
/// stable code, its category, the extension concerned, the message and the cause chain.
///
/// Every ``HyperMeshError`` becomes a record the same way. An error that is not one (a bug: some
/// path let a foreign error through untyped) becomes `internal.untyped_error`, category
/// `internal`, with the error's own description as the message.
package struct ErrorRecord: Error, Codable, Equatable {
    /// One cause of the chain, nearest first. `code` and `category` are there when the cause is a
    /// `HyperMeshError`; a cause known only by its text has just `message`.
    package struct Cause: Codable, Equatable {
        var code: String?
        var category: String?
        var message: String
    }

    package var code: String
    /// A ``HyperMeshErrorCategory`` raw value, e.g. `integrity`.
    package var category: String
    package var `extension`: String?
    package var message: String
    /// The nearest cause's one-line description (kept for clients of the first API version).
    package var cause: String?
    /// The whole cause chain, nearest first.
    package var causes: [Cause]

    /// The code raw value of an error that is not a ``HyperMeshError``.
    package static let untypedErrorCode = "internal.untyped_error"

    package init(_ error: any Error) {
        switch error {
        case let record as ErrorRecord:
            self = record
        case let problem as DiscoveryProblem:
            self.init(problem.error)
        case let validation as ValidationError:
            self.init(NodeError(.invalidArgument, validation.message))
        case let error as any HyperMeshError:
            let extensionID: String? = switch error {
            case let error as ExtensionError: error.extensionID
            case let error as NodeError: error.extensionID
            case let error as LifecycleTransitionError: error.extensionID
            case let error as ResolutionError: error.extensionID
            default: nil
            }
            // The subject of an ExtensionError is its extension, which has its own field.
            let message = extensionID == nil ? (error.subject.map { "\($0): " } ?? "") + error.message : error.message
            self.init(code: error.codeRawValue, category: error.category, extension: extensionID, message: message,
                      causes: error.causeChain.map(Cause.init))
        default:
            self.init(code: Self.untypedErrorCode, category: .internal, extension: nil, message: "\(error)", causes: [])
        }
    }

    package init(code: String, category: HyperMeshErrorCategory, extension: String?, message: String, causes: [Cause]) {
        self.code = code
        self.category = category.rawValue
        self.extension = `extension`
        self.message = message
        self.causes = causes
        self.cause = causes.first.map { cause in cause.code.map { "[\($0)] " + cause.message } ?? cause.message }
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(String.self, forKey: .code)
        // A node of the first API version sent no category: its errors count as internal.
        category = try container.decodeIfPresent(String.self, forKey: .category) ?? HyperMeshErrorCategory.internal.rawValue
        `extension` = try container.decodeIfPresent(String.self, forKey: .extension)
        message = try container.decode(String.self, forKey: .message)
        cause = try container.decodeIfPresent(String.self, forKey: .cause)
        causes = try container.decodeIfPresent([Cause].self, forKey: .causes) ?? cause.map { [Cause(code: nil, category: nil, message: $0)] } ?? []
    }

    /// ``category`` as a value; `internal` for a category this version does not know.
    package var resolvedCategory: HyperMeshErrorCategory {
        HyperMeshErrorCategory(rawValue: category) ?? .internal
    }

    package var text: String {
        var text = "[\(code)]"
        if let `extension` { text += " \(`extension`):" }
        text += " \(message)"
        for cause in causes {
            text += "\n  cause: " + (cause.code.map { "[\($0)] " } ?? "") + cause.message
        }
        return text
    }
}

extension ErrorRecord.Cause {
    package init(_ error: any Error & Sendable) {
        if let error = error as? any HyperMeshError {
            self.init(code: error.codeRawValue, category: error.category.rawValue,
                      message: (error.subject.map { "\($0): " } ?? "") + error.message)
        } else {
            self.init(code: nil, category: nil, message: String(describing: error))
        }
    }
}

package enum JSONOutput {
    package static func string(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
