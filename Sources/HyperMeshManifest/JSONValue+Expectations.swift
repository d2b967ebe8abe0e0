import HyperMeshStrictJSON

extension JSONValue {
    /// The string, or `typeMismatch` at `path`.
    func expectString(at path: JSONPath) throws(ManifestError) -> String {
        guard case .string(let text) = self else { throw ManifestError.typeMismatch(at: path, expected: "a string", found: self) }
        return text
    }

    /// The elements, or `typeMismatch` at `path`. `expected` describes the array in the message.
    func expectArray(at path: JSONPath, expected: String = "an array") throws(ManifestError) -> [JSONValue] {
        guard case .array(let elements) = self else { throw ManifestError.typeMismatch(at: path, expected: expected, found: self) }
        return elements
    }

    /// An unsigned integer within `range`.
    ///
    /// A value that is not a number, or not a whole number, is a `typeMismatch`; a whole number
    /// outside `range` (negative, too large) throws `outOfRange` with `rangeHint` in the message.
    func expectUnsignedInteger(
        at path: JSONPath, in range: ClosedRange<UInt64>, outOfRange code: ManifestError.Code, rangeHint: String
    ) throws(ManifestError) -> UInt64 {
        guard case .number(let number) = self else {
            throw ManifestError.typeMismatch(at: path, expected: "a non-negative integer", found: self)
        }
        switch number.integerValue {
        case .value(let value) where range.contains(value):
            return value
        case .fractional:
            throw ManifestError.typeMismatch(at: path, expected: "a whole number", found: self)
        case .value, .negative, .tooLarge:
            throw ManifestError(code, "\(number.text) is out of range: \(rangeHint)", at: path)
        }
    }
}
