import Foundation

/// A JSON value read from the policy file, with the strict accessors the policy reader needs:
/// every accessor names the path of a value of the wrong type.
enum PolicyJSON {
    case object([String: PolicyJSON])
    case array([PolicyJSON])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    static func parse(_ data: Data) throws(PolicyError) -> PolicyJSON {
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw PolicyError(.invalidJSON, "the policy file is not valid JSON", cause: "\(error)")
        }
        return from(value)
    }

    private static func from(_ value: Any) -> PolicyJSON {
        switch value {
        case let object as [String: Any]: return .object(object.mapValues(from))
        case let array as [Any]: return .array(array.map(from))
        case let string as String: return .string(string)
        case let number as NSNumber:
            // Foundation reports JSON booleans as NSNumber too, of ObjC type "c" (char).
            if String(cString: number.objCType) == "c" { return .bool(number.boolValue) }
            return .number(number.doubleValue)
        default: return .null
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

    func number(at path: String) throws(PolicyError) -> Double {
        guard case .number(let value) = self else { throw typeError("a number", at: path) }
        return value
    }

    /// A whole number in `range`.
    func integer(at path: String, in range: ClosedRange<UInt64>) throws(PolicyError) -> UInt64 {
        let value = try number(at: path)
        guard value.rounded() == value, value >= Double(range.lowerBound), value <= Double(range.upperBound) else {
            throw PolicyError(.badValue, "must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(value)", at: path)
        }
        return UInt64(value)
    }

    func typeError(_ expected: String, at path: String) -> PolicyError {
        PolicyError(.invalidJSON, "expected \(expected), found \(kindName)", at: path)
    }

    var kindName: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
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
