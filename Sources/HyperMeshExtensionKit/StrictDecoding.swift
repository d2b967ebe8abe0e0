extension Decoder {
    /// A keyed container that first rejects every key `Key` does not list, so a misspelt field
    /// (`"verison"`) is an error instead of being silently ignored. Use it in `init(from:)` of a
    /// request type whose `CodingKeys` are `CaseIterable`.
    ///
    /// The error is `DecodingError.dataCorrupted` at the unknown field's path, which
    /// ``JSONPayload/decode(_:from:method:)`` reports as an invalid argument naming that path and the
    /// known fields.
    public func strictContainer<Key: CodingKey & CaseIterable>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let all = try container(keyedBy: AnyFieldKey.self)
        let known = Set(Key.allCases.map(\.stringValue))
        if let unknown = all.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: codingPath + [AnyFieldKey(stringValue: unknown)],
                debugDescription: "unknown field; known fields: \(known.sorted().joined(separator: ", "))"))
        }
        return try container(keyedBy: Key.self)
    }
}

/// A coding key for any field name.
struct AnyFieldKey: CodingKey {
    let stringValue: String
    let intValue: Int? = nil

    init(stringValue: String) {
        self.stringValue = stringValue
    }

    init?(intValue: Int) {
        return nil
    }
}
