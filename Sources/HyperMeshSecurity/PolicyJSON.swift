import Foundation
import HyperMeshStrictJSON

/// A JSON value read from the policy file with the strict parser the manifest uses
/// (``JSONParser``: RFC 8259, UTF-8, no comments or trailing commas, nesting at most 64 levels),
/// with the strict accessors the policy reader needs: every accessor names the path of a value of
/// the wrong type.
///
/// Strict means: a key that appears twice in one object is refused (`policy.duplicate_key`, not
/// silently merged); numbers keep their literal text, so an integer is read exactly and `1.5` is
/// not an integer; `true` is a boolean, never the number 1. Paths are written the way the policy
/// documentation writes them: `extensions.org.example.tool.quotas.cpuPercent`, `allow[1]`, and
/// `$` for the whole document.
enum PolicyJSON {
    case object([String: PolicyJSON])
    case array([PolicyJSON])
    case string(String)
    case number(JSONNumber)
    case bool(Bool)
    case null

    static func parse(_ data: Data) throws(PolicyError) -> PolicyJSON {
        let value: JSONValue
        do throws(JSONParseError) {
            value = try JSONParser.parse(data)
        } catch {
            throw PolicyError(.invalidJSON, "the policy file is not valid JSON (\(error))", cause: error)
        }
        return try from(value, at: "")
    }

    /// `value` as a policy value; `path` is "" for the root.
    private static func from(_ value: JSONValue, at path: String) throws(PolicyError) -> PolicyJSON {
        switch value {
        case .object(let members):
            var object: [String: PolicyJSON] = [:]
            for member in members {
                let memberPath = path.isEmpty ? member.key : "\(path).\(member.key)"
                guard object[member.key] == nil else {
                    throw PolicyError(.duplicateKey, "the key '\(member.key)' appears twice in one object; keep one", at: memberPath)
                }
                object[member.key] = try from(member.value, at: memberPath)
            }
            return .object(object)
        case .array(let elements):
            var array: [PolicyJSON] = []
            for (index, element) in elements.enumerated() {
                array.append(try from(element, at: "\(path.isEmpty ? "$" : path)[\(index)]"))
            }
            return .array(array)
        case .string(let text): return .string(text)
        case .number(let number): return .number(number)
        case .bool(let flag): return .bool(flag)
        case .null: return .null
        }
    }

    func object(at path: String) throws(PolicyError) -> [String: PolicyJSON] {
        guard case .object(let members) = self else { throw typeError("an object", at: path) }
        return members
    }

    func strings(at path: String) throws(PolicyError) -> [String] {
        guard case .array(let elements) = self else { throw typeError("an array of strings", at: path) }
        var strings: [String] = []
        for (index, element) in elements.enumerated() {
            guard case .string(let text) = element else { throw element.typeError("a string", at: "\(path)[\(index)]") }
            strings.append(text)
        }
        return strings
    }

    func string(at path: String) throws(PolicyError) -> String {
        guard case .string(let text) = self else { throw typeError("a string", at: path) }
        return text
    }

    /// Any JSON number, as the nearest `Double`.
    func number(at path: String) throws(PolicyError) -> Double {
        guard case .number(let number) = self else { throw typeError("a number", at: path) }
        guard let value = Double(number.text), value.isFinite else {
            throw PolicyError(.badValue, "\(number.text) is out of range", at: path)
        }
        return value
    }

    /// A whole number in `range`, read exactly from its literal (`1e3` is 1000; `1.5` is not a
    /// whole number and is a type error).
    func integer(at path: String, in range: ClosedRange<UInt64>) throws(PolicyError) -> UInt64 {
        guard case .number(let number) = self else { throw typeError("an integer", at: path) }
        switch number.integerValue {
        case .value(let value) where range.contains(value):
            return value
        case .fractional:
            throw typeError("an integer", at: path)
        case .value, .negative, .tooLarge:
            throw PolicyError(.badValue, "must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(number.text)", at: path)
        }
    }

    func typeError(_ expected: String, at path: String) -> PolicyError {
        PolicyError(.invalidJSON, "expected \(expected), found \(kindName)", at: path)
    }

    var kindName: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number(let number): "the number \(number.text)"
        case .bool(let flag): "the boolean \(flag)"
        case .null: "null"
        }
    }
}

extension Dictionary where Key == String, Value == PolicyJSON {
    /// Refuses keys not in `allowed`, naming the first unknown one (sorted) and the allowed keys.
    func rejectUnknownKeys(_ allowed: [String], at path: String) throws(PolicyError) {
        if let unknown = keys.filter({ !allowed.contains($0) }).sorted().first {
            throw PolicyError(.unknownKey, "unknown key '\(unknown)' (allowed: \(allowed.joined(separator: ", ")))",
                              at: path.isEmpty ? unknown : "\(path).\(unknown)")
        }
    }
}
