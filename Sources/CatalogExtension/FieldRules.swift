import HyperMeshExtensionKit

/// Validation of the text fields the Catalog accepts. Every rule throws an invalid argument that
/// names the field and says what is allowed.
enum FieldRules {
    /// Longest accepted asset or package name.
    static let maximumNameLength = 128
    /// Longest accepted tag.
    static let maximumTagLength = 64
    /// Most tags on one asset.
    static let maximumTagCount = 32
    /// Longest accepted version, in characters (a valid version is ASCII, so also in bytes). With
    /// the longest name and type, an asset's storage key stays well under the host's key limit
    /// (1,024 bytes), so a stored asset can never be refused by storage for its key.
    static let maximumVersionLength = 256

    /// Asset and package names: 1 to 128 characters from `A-Z a-z 0-9 . _ -`, not starting with `.`.
    /// (Names are part of storage keys, so `/` and `@` are excluded.)
    static func name(_ text: String, field: String) throws(ExtensionError) -> String {
        let allowed = text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
        guard !text.isEmpty, text.utf8.count <= maximumNameLength, allowed, !text.hasPrefix(".") else {
            throw .invalidArgument(
                "'\(field)' must be 1 to \(maximumNameLength) characters from A-Z a-z 0-9 . _ - and not start with '.', got '\(text)'")
        }
        return text
    }

    /// A semantic version (SemVer 2.0.0) of at most 256 characters.
    static func version(_ text: String, field: String) throws(ExtensionError) -> AssetVersion {
        guard text.utf8.count <= maximumVersionLength else {
            throw .invalidArgument(
                "'\(field)' must be at most \(maximumVersionLength) characters, got \(text.utf8.count); shorten its pre-release or build metadata")
        }
        do {
            return try AssetVersion(parsing: text)
        } catch {
            throw .invalidArgument("'\(field)' is not a semantic version ('\(text)'): \(error.reason)")
        }
    }

    /// Tags: each 1 to 64 characters without control characters, at most 32; duplicates are
    /// dropped and the result is sorted.
    static func tags(_ tags: [String], field: String) throws(ExtensionError) -> [String] {
        let unique = Set(tags)
        guard unique.count <= maximumTagCount else {
            throw .invalidArgument("'\(field)' has \(unique.count) distinct tags; at most \(maximumTagCount) are allowed")
        }
        for tag in unique {
            let hasControl = tag.unicodeScalars.contains { $0.properties.generalCategory == .control }
            guard !tag.isEmpty, tag.count <= maximumTagLength, !hasControl else {
                throw .invalidArgument("every tag in '\(field)' must be 1 to \(maximumTagLength) characters without control characters, got '\(tag)'")
            }
        }
        return unique.sorted()
    }
}
