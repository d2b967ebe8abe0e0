/// A set of acceptable semantic versions, written the way package managers do.
///
/// Grammar (whitespace-separated comparators are ANDed, `||` separates alternatives):
/// - `*` — any release version;
/// - `1.2.3` or `=1.2.3` — exactly that version (build metadata ignored);
/// - `>1.2.3`, `>=1.2.3`, `<1.2.3`, `<=1.2.3`;
/// - `^1.2.3` — compatible: `>=1.2.3 <2.0.0` (for `0.x`: `^0.2.3` = `>=0.2.3 <0.3.0`, `^0.0.3` = `>=0.0.3 <0.0.4`);
/// - `~1.2.3` — patch updates: `>=1.2.3 <1.3.0`.
///
/// Only spaces and tabs separate comparators (and may surround `||` and the whole range); an
/// operator must touch its version (`>=1.2.3`, not `>= 1.2.3`). `x` and `*` stand alone: partial
/// versions such as `1.x` or `1.2` are not accepted.
///
/// Pre-release versions match only a comparator that names a pre-release of the same
/// `MAJOR.MINOR.PATCH` (as npm does), so `^1.0.0` never picks `2.0.0-beta`.
public struct VersionRange: Sendable, Hashable, CustomStringConvertible, Codable {
    /// One comparison against a version.
    public struct Comparator: Sendable, Hashable {
        public enum Operation: String, Sendable, Hashable {
            case equal = "=", greater = ">", greaterOrEqual = ">=", less = "<", lessOrEqual = "<="
        }
        public var operation: Operation
        public var version: SemanticVersion

        public func matches(_ candidate: SemanticVersion) -> Bool {
            switch operation {
            case .equal: return candidate.hasSamePrecedence(as: version)
            case .greater: return candidate > version
            case .greaterOrEqual: return candidate >= version
            case .less: return candidate < version
            case .lessOrEqual: return candidate <= version
            }
        }
    }

    /// Alternatives (OR) of comparator sets (AND). An empty set matches every release.
    public let alternatives: [[Comparator]]
    /// The text the range was parsed from, kept for messages.
    public let text: String

    public init(parsing text: String) throws(VersionRangeError) {
        let trimmed = text.trimmingSpacesAndTabs()
        guard !trimmed.isEmpty else { throw VersionRangeError(text: text, reason: "empty range; use * for any version") }
        var alternatives: [[Comparator]] = []
        for alternative in trimmed.split(separator: "||", omittingEmptySubsequences: false) {
            let tokens = alternative.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard !tokens.isEmpty else { throw VersionRangeError(text: text, reason: "empty alternative around '||'") }
            var comparators: [Comparator] = []
            for token in tokens {
                comparators += try Self.expand(token, in: text)
            }
            alternatives.append(comparators)
        }
        self.alternatives = alternatives
        self.text = trimmed
    }

    private init(alternatives: [[Comparator]], text: String) {
        self.alternatives = alternatives
        self.text = text
    }

    /// A range that matches exactly one version (build metadata ignored).
    public static func exactly(_ version: SemanticVersion) -> VersionRange {
        VersionRange(alternatives: [[Comparator(operation: .equal, version: version)]], text: "=" + version.description)
    }

    public func contains(_ version: SemanticVersion) -> Bool {
        alternatives.contains { comparators in
            guard comparators.allSatisfy({ $0.matches(version) }) else { return false }
            guard version.isPrerelease else { return true }
            return comparators.contains { $0.version.isPrerelease && $0.version.release == version.release }
        }
    }

    public var description: String { text }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try VersionRange(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    public static func == (lhs: VersionRange, rhs: VersionRange) -> Bool { lhs.alternatives == rhs.alternatives }
    public func hash(into hasher: inout Hasher) { hasher.combine(alternatives) }

    private static func expand(_ token: String, in text: String) throws(VersionRangeError) -> [Comparator] {
        if token == "*" || token == "x" { return [] }
        let operators: [(String, Comparator.Operation?)] = [
            (">=", .greaterOrEqual), ("<=", .lessOrEqual), (">", .greater), ("<", .less), ("=", .equal),
            ("^", nil), ("~", nil),
        ]
        var prefix = ""
        var operation: Comparator.Operation? = .equal
        for (symbol, op) in operators where token.hasPrefix(symbol) {
            prefix = symbol
            operation = op
            break
        }
        let versionText = String(token.dropFirst(prefix.count))
        let version: SemanticVersion
        do {
            version = try SemanticVersion(parsing: versionText)
        } catch {
            throw VersionRangeError(text: text, reason: "in '\(token)': \(error.description)")
        }
        if let operation { return [Comparator(operation: operation, version: version)] }
        guard let upper = prefix == "^" ? caretUpperBound(of: version) : tildeUpperBound(of: version) else {
            throw VersionRangeError(text: text, reason: "in '\(token)': the upper bound of the range does not fit in a 64-bit version number")
        }
        return [Comparator(operation: .greaterOrEqual, version: version), Comparator(operation: .less, version: upper)]
    }

    /// The exclusive upper bound of `^version`, or nil if it overflows.
    private static func caretUpperBound(of version: SemanticVersion) -> SemanticVersion? {
        if version.major > 0 {
            let (major, overflow) = version.major.addingReportingOverflow(1)
            return overflow ? nil : SemanticVersion(major, 0, 0)
        }
        if version.minor > 0 {
            let (minor, overflow) = version.minor.addingReportingOverflow(1)
            return overflow ? nil : SemanticVersion(0, minor, 0)
        }
        let (patch, overflow) = version.patch.addingReportingOverflow(1)
        return overflow ? nil : SemanticVersion(0, 0, patch)
    }

    /// The exclusive upper bound of `~version`, or nil if it overflows.
    private static func tildeUpperBound(of version: SemanticVersion) -> SemanticVersion? {
        let (minor, overflow) = version.minor.addingReportingOverflow(1)
        return overflow ? nil : SemanticVersion(version.major, minor, 0)
    }
}

/// A string that is not a valid version range, and why.
public struct VersionRangeError: Error, Sendable, Equatable, CustomStringConvertible {
    public let text: String
    public let reason: String

    public init(text: String, reason: String) {
        self.text = text
        self.reason = reason
    }

    public var description: String { "'\(text)' is not a version range: \(reason)" }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (the only separators a range allows).
    func trimmingSpacesAndTabs() -> String {
        var characters = Substring(self)
        while let first = characters.first, first == " " || first == "\t" { characters.removeFirst() }
        while let last = characters.last, last == " " || last == "\t" { characters.removeLast() }
        return String(characters)
    }
}
