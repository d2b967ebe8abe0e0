/// A parsed JSON value that keeps what strict manifest rules need and `JSONSerialization` loses:
/// the order of object members, duplicate keys, and the exact text of numbers.
public enum JSONValue: Sendable, Equatable {
    /// Members in document order; duplicates are kept so the decoder can report them.
    case object([JSONMember])
    case array([JSONValue])
    case string(String)
    case number(JSONNumber)
    case bool(Bool)
    case null

    /// How the value is named in messages: "an object", "a string", "null"...
    public var kindDescription: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number(let number): return "the number \(number.text)"
        case .bool(let value): return "the boolean \(value)"
        case .null: return "null"
        }
    }
}

/// One `"key": value` pair of a JSON object.
public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSONValue

    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }
}
