/// Decoding of the two map fields, `dependencies` and `files`.
extension ManifestDecoder {
    /// `dependencies`: extension id → version range. Keys follow the extension id rule and must
    /// differ from the manifest's own `id`.
    static func decodeDependencies(_ field: JSONField, ownID: String) throws(ManifestError) -> [String: VersionRange] {
        let object = try ObjectReader(field.value, at: field.path)
        var dependencies: [String: VersionRange] = [:]
        for member in object.members {
            let path = field.path.appending(key: member.key)
            if let problem = IdentifierRules.extensionIDProblem(member.key) {
                throw ManifestError(.badIdentifier, "dependency '\(member.key)' is not a valid extension id: \(problem)", at: path)
            }
            guard member.key != ownID else {
                throw ManifestError(.selfDependency, "the extension '\(ownID)' cannot depend on itself; remove this entry", at: path)
            }
            let text = try member.value.expectString(at: path)
            do throws(VersionRangeError) {
                dependencies[member.key] = try VersionRange(parsing: text)
            } catch {
                throw ManifestError(
                    .badVersionRange, "'\(text)' is not a version range (e.g. ^1.2.0, ~1.2.0, >=1.0.0 <2.0.0): \(error.reason)",
                    at: path, cause: error.description)
            }
        }
        return dependencies
    }

    /// `files`: package path → lower-case hex SHA-256. When not empty it must list `entry`.
    static func decodeFiles(_ field: JSONField, entry: String) throws(ManifestError) -> [String: String] {
        let object = try ObjectReader(field.value, at: field.path)
        var files: [String: String] = [:]
        for member in object.members {
            let path = field.path.appending(key: member.key)
            if let problem = PackagePathRules.problem(with: member.key) {
                throw ManifestError(.badPath, "file key is not a package-relative path: \(problem)", at: path)
            }
            let digest = try member.value.expectString(at: path)
            if let problem = FileDigestRules.problem(with: digest) {
                throw ManifestError(.badDigest, problem, at: path)
            }
            files[member.key] = digest
        }
        if !files.isEmpty, files[entry] == nil {
            throw ManifestError(
                .entryNotListed,
                "files lists \(files.count) file(s) but not the entry '\(entry)'; add its SHA-256 (e.g. from sha256sum)",
                at: field.path)
        }
        return files
    }
}
