import HyperMeshManifest

/// A reference to an artifact in a registry: `registry[:port]/repository[:tag][@sha256:…]`,
/// e.g. `localhost:5000/hypermesh/hello:1.2.0` or `registry.example.com/ext/catalog@sha256:…`.
///
/// The registry is always explicit (there is no default registry, unlike Docker's `docker.io`).
/// Repository names follow the distribution specification (lower-case components separated by
/// `/`); tags are at most 128 characters of `[A-Za-z0-9_.-]`, not starting with `.` or `-`.
/// When both a tag and a digest are given, the digest wins (the tag is kept for messages).
public struct OCIReference: Sendable, Hashable, CustomStringConvertible {
    /// `host` or `host:port`.
    public var registry: String
    public var repository: String
    public var tag: String?
    public var digest: OCIDigest?

    public init(registry: String, repository: String, tag: String? = nil, digest: OCIDigest? = nil) {
        self.registry = registry
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    /// What a manifest request names: the digest when there is one, else the tag.
    public var manifestReference: String { digest?.description ?? tag ?? "latest" }

    /// `registry/repository` without tag or digest.
    public var repositoryPath: String { "\(registry)/\(repository)" }

    public var description: String {
        repositoryPath + (tag.map { ":\($0)" } ?? "") + (digest.map { "@\($0)" } ?? "")
    }

    /// The same repository at `digest`.
    public func pinned(to digest: OCIDigest) -> OCIReference {
        OCIReference(registry: registry, repository: repository, tag: tag, digest: digest)
    }

    /// The same repository at `tag`.
    public func tagged(_ tag: String) -> OCIReference {
        OCIReference(registry: registry, repository: repository, tag: tag, digest: nil)
    }

    public init(parsing text: String) throws(RegistryError) {
        var rest = Substring(text)
        var digest: OCIDigest?
        if let at = rest.firstIndex(of: "@") {
            digest = try OCIDigest(parsing: String(rest[rest.index(after: at)...]))
            rest = rest[..<at]
        }
        guard let slash = rest.firstIndex(of: "/") else {
            throw RegistryError(.referenceInvalid, subject: text, "a reference names its registry: registry[:port]/repository[:tag], e.g. localhost:5000/hypermesh/hello:1.0.0")
        }
        let registry = String(rest[..<slash])
        var path = rest[rest.index(after: slash)...]
        var tag: String?
        if let colon = path.lastIndex(of: ":") {
            tag = String(path[path.index(after: colon)...])
            path = path[..<colon]
        }
        try Self.checkRegistry(registry, in: text)
        try Self.checkRepository(String(path), in: text)
        if let tag { try Self.checkTag(tag, in: text) }
        self.init(registry: registry, repository: String(path), tag: tag, digest: digest)
    }

    /// The tag of a version: SemVer, with `+` (not allowed in tags) written as `_`.
    public static func tag(for version: SemanticVersion) -> String {
        version.description.replacingOccurrences(of: "+", with: "_")
    }

    /// The version a tag names, or nil when the tag is not a version written by ``tag(for:)``.
    public static func version(ofTag tag: String) -> SemanticVersion? {
        try? SemanticVersion(parsing: tag.replacingOccurrences(of: "_", with: "+"))
    }

    static func checkRegistry(_ registry: String, in text: String) throws(RegistryError) {
        let parts = registry.split(separator: ":", omittingEmptySubsequences: false)
        let hostOK = !parts[0].isEmpty && parts[0].utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
        let portOK = parts.count == 1 || (parts.count == 2 && UInt16(parts[1]) != nil)
        guard hostOK, portOK else {
            throw RegistryError(.referenceInvalid, subject: text, "'\(registry)' is not a registry host[:port]")
        }
    }

    static func checkRepository(_ repository: String, in text: String) throws(RegistryError) {
        let components = repository.split(separator: "/", omittingEmptySubsequences: false)
        let valid = !repository.isEmpty && repository.utf8.count <= 255 && components.allSatisfy { component in
            guard let first = component.utf8.first, let last = component.utf8.last,
                  isLowerAlphanumeric(first), isLowerAlphanumeric(last) else { return false }
            return component.utf8.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
        }
        guard valid else {
            throw RegistryError(.referenceInvalid, subject: text, "'\(repository)' is not a repository name (lower-case letters, digits, and . _ - inside components separated by /)")
        }
    }

    static func checkTag(_ tag: String, in text: String) throws(RegistryError) {
        let bytes = Array(tag.utf8)
        let valid = (1...128).contains(bytes.count)
            && (isAlphanumeric(bytes[0]) || bytes[0] == UInt8(ascii: "_"))
            && bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
        guard valid else {
            throw RegistryError(.referenceInvalid, subject: text, "'\(tag)' is not a tag (1 to 128 of A-Z a-z 0-9 _ . -, not starting with . or -)")
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (97...122).contains(byte)
    }
}
