/// A semantic version as defined by Semantic Versioning 2.0.0 (`MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]`).
///
/// Ordering follows the specification's precedence rules: build metadata is ignored when
/// comparing, and a pre-release version sorts before the release it precedes. Equality, however,
/// includes build metadata (two versions that differ only in build metadata are not `==`), so use
/// ``hasSamePrecedence(as:)`` where precedence is what matters.
public struct SemanticVersion: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public var major: UInt64
    public var minor: UInt64
    public var patch: UInt64
    /// Dot-separated pre-release identifiers, e.g. `["alpha", "1"]`. Empty for a release.
    public var prerelease: [String]
    /// Dot-separated build metadata identifiers. Ignored for precedence.
    public var build: [String]

    public init(_ major: UInt64, _ minor: UInt64, _ patch: UInt64, prerelease: [String] = [], build: [String] = []) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
        self.build = build
    }

    /// Parses a strict SemVer 2.0 string. Leading zeros, empty identifiers, a leading `v` and
    /// missing components are rejected with ``SemanticVersionError``.
    public init(parsing text: String) throws(SemanticVersionError) {
        var rest = Substring(text)
        var build: [String] = []
        if let plus = rest.firstIndex(of: "+") {
            build = rest[rest.index(after: plus)...].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            rest = rest[..<plus]
            for identifier in build where !Self.isValidIdentifier(identifier) {
                throw SemanticVersionError(text: text, reason: "build metadata identifier '\(identifier)' must be non-empty [0-9A-Za-z-]")
            }
        }
        var prerelease: [String] = []
        if let dash = rest.firstIndex(of: "-") {
            prerelease = rest[rest.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            rest = rest[..<dash]
            for identifier in prerelease {
                guard Self.isValidIdentifier(identifier) else {
                    throw SemanticVersionError(text: text, reason: "pre-release identifier '\(identifier)' must be non-empty [0-9A-Za-z-]")
                }
                if identifier.allSatisfy(\.isASCIIDigit), identifier.count > 1, identifier.first == "0" {
                    throw SemanticVersionError(text: text, reason: "numeric pre-release identifier '\(identifier)' has a leading zero")
                }
            }
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw SemanticVersionError(text: text, reason: "expected MAJOR.MINOR.PATCH, e.g. 1.2.3")
        }
        var numbers: [UInt64] = []
        for (part, label) in zip(parts, ["major", "minor", "patch"]) {
            guard !part.isEmpty, part.allSatisfy(\.isASCIIDigit) else {
                throw SemanticVersionError(text: text, reason: "\(label) version '\(part)' is not a non-negative integer")
            }
            guard part.count == 1 || part.first != "0" else {
                throw SemanticVersionError(text: text, reason: "\(label) version '\(part)' has a leading zero")
            }
            guard let value = UInt64(part) else {
                throw SemanticVersionError(text: text, reason: "\(label) version '\(part)' is too large")
            }
            numbers.append(value)
        }
        self.init(numbers[0], numbers[1], numbers[2], prerelease: prerelease, build: build)
    }

    public var description: String {
        var text = "\(major).\(minor).\(patch)"
        if !prerelease.isEmpty { text += "-" + prerelease.joined(separator: ".") }
        if !build.isEmpty { text += "+" + build.joined(separator: ".") }
        return text
    }

    public var isPrerelease: Bool { !prerelease.isEmpty }

    /// The same version without pre-release and build parts.
    public var release: SemanticVersion { SemanticVersion(major, minor, patch) }

    /// True if both versions have the same precedence (build metadata ignored).
    public func hasSamePrecedence(as other: SemanticVersion) -> Bool {
        !(self < other) && !(other < self)
    }

    public static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        if lhs.major != rhs.major { return lhs.major < rhs.major }
        if lhs.minor != rhs.minor { return lhs.minor < rhs.minor }
        if lhs.patch != rhs.patch { return lhs.patch < rhs.patch }
        switch (lhs.prerelease.isEmpty, rhs.prerelease.isEmpty) {
        case (true, true), (true, false): return false
        case (false, true): return true
        case (false, false): break
        }
        for (left, right) in zip(lhs.prerelease, rhs.prerelease) where left != right {
            switch (isNumeric(left), isNumeric(right)) {
            case (true, true):
                // Compare as numbers of any size: without leading zeros, longer means larger.
                if left.utf8.count != right.utf8.count { return left.utf8.count < right.utf8.count }
                return left.utf8.lexicographicallyPrecedes(right.utf8)
            case (true, false): return true
            case (false, true): return false
            case (false, false): return left.utf8.lexicographicallyPrecedes(right.utf8)
            }
        }
        return lhs.prerelease.count < rhs.prerelease.count
    }

    /// A pre-release identifier made of ASCII digits only (compared numerically).
    private static func isNumeric(_ identifier: String) -> Bool {
        !identifier.isEmpty && identifier.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try SemanticVersion(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private static func isValidIdentifier(_ identifier: String) -> Bool {
        !identifier.isEmpty && identifier.unicodeScalars.allSatisfy {
            ("0"..."9").contains($0) || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || $0 == "-"
        }
    }
}

/// A string that is not a valid semantic version, and why.
public struct SemanticVersionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let text: String
    public let reason: String

    public init(text: String, reason: String) {
        self.text = text
        self.reason = reason
    }

    public var description: String { "'\(text)' is not a semantic version: \(reason)" }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
