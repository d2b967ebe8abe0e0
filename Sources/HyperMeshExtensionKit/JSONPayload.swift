#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// JSON encoding and decoding of method payloads, with errors phrased for the caller.
///
/// Output is compact, with sorted keys and unescaped slashes, so equal values always encode to
/// equal bytes. Empty (or whitespace-only) input decodes as `{}`, so a method whose fields are all
/// optional can be called with no input.
public enum JSONPayload {
    /// Decodes `input` as `Request`. A failure is ``ExtensionErrorCode/invalidArgument`` naming the
    /// offending field by its JSON path (e.g. `assets[1].name`); `method` goes into the message.
    public static func decode<Request: Decodable>(
        _ type: Request.Type, from input: [UInt8], method: String
    ) throws(ExtensionError) -> Request {
        let isBlank = input.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        let data = isBlank ? Data("{}".utf8) : Data(input)
        do {
            return try JSONDecoder().decode(Request.self, from: data)
        } catch let error as DecodingError {
            throw .invalidArgument("invalid input for '\(method)': \(describe(error))")
        } catch {
            throw .invalidArgument("invalid input for '\(method)'", cause: "\(error)")
        }
    }

    /// Encodes `value`. A failure (e.g. a non-finite number) is ``ExtensionErrorCode/internal``.
    public static func encode<Response: Encodable>(_ value: Response) throws(ExtensionError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(value))
        } catch {
            throw .internal("cannot encode a \(Response.self) as JSON", cause: "\(error)")
        }
    }

    /// A JSON path such as `assets[1].name`; `<root>` for the top level.
    public static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "<root>" : text
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field '\(path(context.codingPath + [key]))'"
        case .typeMismatch(let type, let context):
            return "\(subject(context.codingPath)) must be \(jsonName(of: type))"
        case .valueNotFound(let type, let context):
            return "\(subject(context.codingPath)) must be \(jsonName(of: type)), not null"
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return "not valid JSON: \(context.debugDescription)"
        case .dataCorrupted(let context):
            return "field '\(path(context.codingPath))' is invalid: \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func subject(_ codingPath: [any CodingKey]) -> String {
        codingPath.isEmpty ? "the input" : "field '\(path(codingPath))'"
    }

    private static func jsonName(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type, is UInt64.Type, is UInt32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        default:
            "\(type)".hasPrefix("Array") ? "an array" : "\(type)".hasPrefix("Dictionary") ? "an object" : "a \(type)"
        }
    }
}
