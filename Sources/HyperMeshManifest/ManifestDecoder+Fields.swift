/// Decoding of the single-valued fields: id, name, version, kind, entry, abi, category, authors.
extension ManifestDecoder {
    static func decodeID(_ field: JSONField) throws(ManifestError) -> String {
        let id = try field.value.expectString(at: field.path)
        if let problem = IdentifierRules.extensionIDProblem(id) {
            throw ManifestError(.badIdentifier, "'\(id)' is not a valid extension id: \(problem)", at: field.path)
        }
        return id
    }

    /// A string that must not be empty (`name`, `license`, each author). Other content is free.
    static func decodeNonEmptyString(_ field: JSONField) throws(ManifestError) -> String {
        let text = try field.value.expectString(at: field.path)
        guard !text.isEmpty else { throw ManifestError(.badValue, "must not be empty", at: field.path) }
        return text
    }

    static func decodeVersion(_ field: JSONField) throws(ManifestError) -> SemanticVersion {
        let text = try field.value.expectString(at: field.path)
        do throws(SemanticVersionError) {
            return try SemanticVersion(parsing: text)
        } catch {
            throw ManifestError(
                .badVersion, "'\(text)' is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.4.0): \(error.reason)",
                at: field.path, cause: error.description)
        }
    }

    static func decodeKind(_ field: JSONField) throws(ManifestError) -> ExtensionKind {
        let text = try field.value.expectString(at: field.path)
        guard let kind = ExtensionKind(rawValue: text) else {
            let known = ExtensionKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw ManifestError(.unknownKind, "unknown kind '\(text)' (known: \(known))", at: field.path)
        }
        return kind
    }

    static func decodeEntry(_ field: JSONField) throws(ManifestError) -> String {
        let entry = try field.value.expectString(at: field.path)
        if let problem = PackagePathRules.problem(with: entry) {
            throw ManifestError(.badPath, "entry is not a package-relative path: \(problem)", at: field.path)
        }
        return entry
    }

    static func decodeABI(_ field: JSONField) throws(ManifestError) -> ABIRange {
        let object = try ObjectReader(field.value, at: field.path, expected: "an object {\"min\": N, \"max\": N}")
        try object.rejectUnknownKeys(allowed: ABIRange.jsonKeys)
        let hint = "an ABI version is an integer from 0 to \(UInt32.max)"
        let range = 0...UInt64(UInt32.max)
        let minField = try object.required("min", hint: "the oldest supported host ABI version")
        let min = try minField.value.expectUnsignedInteger(at: minField.path, in: range, outOfRange: .badABIRange, rangeHint: hint)
        let maxField = try object.required("max", hint: "the newest supported host ABI version")
        let max = try maxField.value.expectUnsignedInteger(at: maxField.path, in: range, outOfRange: .badABIRange, rangeHint: hint)
        guard min <= max else {
            throw ManifestError(.badABIRange, "min (\(min)) is greater than max (\(max)); swap them", at: field.path)
        }
        return ABIRange(min: UInt32(min), max: UInt32(max))
    }

    static func decodeCategory(_ field: JSONField) throws(ManifestError) -> String {
        let category = try field.value.expectString(at: field.path)
        if let problem = IdentifierRules.categoryProblem(category) {
            throw ManifestError(.badCategory, "'\(category)' is not a valid category: \(problem)", at: field.path)
        }
        return category
    }

    static func decodeAuthors(_ field: JSONField) throws(ManifestError) -> [String] {
        let elements = try field.value.expectArray(at: field.path, expected: "an array of strings")
        var authors: [String] = []
        for (index, element) in elements.enumerated() {
            authors.append(try decodeNonEmptyString((element, field.path.appending(index: index))))
        }
        return authors
    }
}

extension ManifestDecoder {
    static func decodeIsolation(_ field: JSONField) throws(ManifestError) -> Isolation {
        let text = try field.value.expectString(at: field.path)
        guard let isolation = Isolation(rawValue: text) else {
            throw ManifestError(.badIsolation, "'\(text)' is not an isolation mode; use one of \(Isolation.allCases.map(\.rawValue).joined(separator: ", "))", at: field.path)
        }
        return isolation
    }

    static func decodeEngine(_ field: JSONField, kind: ExtensionKind) throws(ManifestError) -> WasmEngine {
        let text = try field.value.expectString(at: field.path)
        guard let engine = WasmEngine(rawValue: text) else {
            throw ManifestError(.badEngine, "'\(text)' is not a wasm engine; use one of \(WasmEngine.allCases.map(\.rawValue).joined(separator: ", "))", at: field.path)
        }
        guard kind == .wasm else {
            throw ManifestError(.badEngine, "\"engine\" applies to kind wasm only; this extension is \(kind.rawValue)", at: field.path)
        }
        return engine
    }

    static func decodeNetworkHosts(_ field: JSONField) throws(ManifestError) -> [String] {
        let elements = try field.value.expectArray(at: field.path, expected: "an array of host or host:port strings")
        var hosts: [String] = []
        for (index, element) in elements.enumerated() {
            let path = field.path.appending(index: index)
            let host = try element.expectString(at: path)
            if let problem = NetworkHostRules.problem(host) {
                throw ManifestError(.badNetworkHost, "'\(host)' is not a valid network host: \(problem)", at: path)
            }
            hosts.append(host)
        }
        return hosts
    }
}
