@testable import HyperMeshStrictJSON

// Literal syntax for building test manifests as `JSONValue`s. Dictionary literals keep their
// order (and duplicates), so tests control exactly what the decoder sees.

extension JSONValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self = .number(JSONNumber(text: String(value))) }
}

extension JSONValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .number(JSONNumber(text: String(value))) }
}

extension JSONValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension JSONValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(elements.map { JSONMember(key: $0.0, value: $0.1) })
    }
}

extension JSONValue {
    /// A number literal written exactly as given, e.g. `18446744073709551616` or `1e3`.
    static func rawNumber(_ text: String) -> JSONValue { .number(JSONNumber(text: text)) }

    /// A copy with the value at `path` (object keys) replaced, added at the end, or removed (`nil`).
    func setting(_ path: [String], to newValue: JSONValue?) -> JSONValue {
        guard let key = path.first, case .object(var members) = self else { return newValue ?? self }
        let index = members.firstIndex { $0.key == key }
        if path.count > 1 {
            let child = index.map { members[$0].value } ?? .object([])
            let updated = child.setting(Array(path.dropFirst()), to: newValue)
            if let index { members[index].value = updated } else { members.append(JSONMember(key: key, value: updated)) }
        } else if let newValue {
            if let index { members[index].value = newValue } else { members.append(JSONMember(key: key, value: newValue)) }
        } else if let index {
            members.remove(at: index)
        }
        return .object(members)
    }
}
