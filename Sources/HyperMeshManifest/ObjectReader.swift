import HyperMeshStrictJSON

/// Reads one JSON object of the manifest strictly: it must be an object, must not repeat a key,
/// and may be checked against the keys it allows.
struct ObjectReader {
    let path: JSONPath
    /// The members in document order, without duplicates.
    let members: [JSONMember]

    /// - Parameter expected: how the object is described if `value` is not one, e.g. "an object {min, max}".
    init(_ value: JSONValue, at path: JSONPath, expected: String = "an object") throws(ManifestError) {
        guard case .object(let members) = value else {
            throw ManifestError.typeMismatch(at: path, expected: expected, found: value)
        }
        var seen = Set<String>()
        for member in members where !seen.insert(member.key).inserted {
            throw ManifestError(
                .duplicateKey, "key '\(member.key)' appears more than once in this object; keep only one",
                at: path.appending(key: member.key))
        }
        self.path = path
        self.members = members
    }

    /// Throws `unknownKey` for the first key (in document order) that is not in `allowed`.
    func rejectUnknownKeys(allowed: [String]) throws(ManifestError) {
        for member in members where !allowed.contains(member.key) {
            throw ManifestError(
                .unknownKey, "unknown key '\(member.key)' (allowed: \(allowed.joined(separator: ", ")))",
                at: path.appending(key: member.key))
        }
    }

    /// The value for `key` and its path, or nil when the key is absent.
    func optional(_ key: String) -> (value: JSONValue, path: JSONPath)? {
        guard let member = members.first(where: { $0.key == key }) else { return nil }
        return (member.value, path.appending(key: key))
    }

    /// The value for `key` and its path; `missingKey` when absent. `hint` says what the key holds.
    func required(_ key: String, hint: String) throws(ManifestError) -> (value: JSONValue, path: JSONPath) {
        guard let field = optional(key) else {
            throw ManifestError(.missingKey, "missing required key '\(key)' (\(hint))", at: path.appending(key: key))
        }
        return field
    }
}
