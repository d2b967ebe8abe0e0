/// A Semantic Versioning 2.0.0 version (`MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]`), as used for
/// asset and package versions.
///
/// Parsing is strict (no leading `v`, no leading zeros, three numeric components). Ordering is
/// SemVer precedence: build metadata is ignored and a pre-release sorts before its release. The
/// Catalog keeps its own copy of this small type because an extension must not link host modules.
struct AssetVersion: Sendable, Comparable, CustomStringConvertible {
    let major: UInt64
    let minor: UInt64
    let patch: UInt64
    let prerelease: [String]
    let build: [String]
    /// The text as given; it is also the version's spelling in storage keys and ids.
    let description: String

    /// Parses `text`, or explains in `reason` why it is not a version.
    init(parsing text: String) throws(VersionSyntaxError) {
        var rest = Substring(text)
        var build: [String] = []
        if let plus = rest.firstIndex(of: "+") {
            build = Self.identifiers(rest[rest.index(after: plus)...])
            rest = rest[..<plus]
            guard build.allSatisfy(Self.isIdentifier) else {
                throw VersionSyntaxError(reason: "build metadata must be dot-separated non-empty [0-9A-Za-z-] identifiers")
            }
        }
        var prerelease: [String] = []
        if let dash = rest.firstIndex(of: "-") {
            prerelease = Self.identifiers(rest[rest.index(after: dash)...])
            rest = rest[..<dash]
            guard prerelease.allSatisfy(Self.isIdentifier) else {
                throw VersionSyntaxError(reason: "pre-release must be dot-separated non-empty [0-9A-Za-z-] identifiers")
            }
            guard !prerelease.contains(where: { Self.isNumeric($0) && $0.count > 1 && $0.first == "0" }) else {
                throw VersionSyntaxError(reason: "numeric pre-release identifiers must not have leading zeros")
            }
        }
        let parts = Self.identifiers(rest)
        guard parts.count == 3, parts.allSatisfy(Self.isNumeric) else {
            throw VersionSyntaxError(reason: "expected MAJOR.MINOR.PATCH with non-negative integers, e.g. 1.2.3")
        }
        guard !parts.contains(where: { $0.count > 1 && $0.first == "0" }) else {
            throw VersionSyntaxError(reason: "version numbers must not have leading zeros")
        }
        guard let major = UInt64(parts[0]), let minor = UInt64(parts[1]), let patch = UInt64(parts[2]) else {
            throw VersionSyntaxError(reason: "a version number is too large")
        }
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
        self.build = build
        self.description = text
    }

    /// True if neither version precedes the other (they may differ in build metadata).
    func hasSamePrecedence(as other: AssetVersion) -> Bool { !(self < other) && !(other < self) }

    static func == (lhs: AssetVersion, rhs: AssetVersion) -> Bool { lhs.description == rhs.description }

    static func < (lhs: AssetVersion, rhs: AssetVersion) -> Bool {
        if lhs.major != rhs.major { return lhs.major < rhs.major }
        if lhs.minor != rhs.minor { return lhs.minor < rhs.minor }
        if lhs.patch != rhs.patch { return lhs.patch < rhs.patch }
        if lhs.prerelease.isEmpty || rhs.prerelease.isEmpty { return !lhs.prerelease.isEmpty && rhs.prerelease.isEmpty }
        for (left, right) in zip(lhs.prerelease, rhs.prerelease) where left != right {
            switch (UInt64(left), UInt64(right)) {
            case let (left?, right?): return left < right
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return left < right
            }
        }
        return lhs.prerelease.count < rhs.prerelease.count
    }

    private static func identifiers(_ text: Substring) -> [String] {
        text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    private static func isNumeric(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    private static func isIdentifier(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D
        }
    }
}

/// Why a text is not a semantic version.
struct VersionSyntaxError: Error, Sendable {
    let reason: String
}
