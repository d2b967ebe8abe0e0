extension ManifestDecoder {
    /// `capabilities`: an array of distinct ``Capability`` raw values, order kept as written.
    static func decodeCapabilities(_ field: JSONField) throws(ManifestError) -> [Capability] {
        let elements = try field.value.expectArray(at: field.path, expected: "an array of capability names")
        var capabilities: [Capability] = []
        var firstIndex: [Capability: Int] = [:]
        for (index, element) in elements.enumerated() {
            let path = field.path.appending(index: index)
            let name = try element.expectString(at: path)
            guard let capability = Capability(rawValue: name) else {
                let known = Capability.validNamesDescription
                throw ManifestError(.unknownCapability, "unknown capability '\(name)' (known: \(known))", at: path)
            }
            if let first = firstIndex[capability] {
                throw ManifestError(
                    .duplicateCapability,
                    "capability '\(name)' is already listed at \(field.path.appending(index: first)); remove one",
                    at: path)
            }
            firstIndex[capability] = index
            capabilities.append(capability)
        }
        return capabilities
    }
}
