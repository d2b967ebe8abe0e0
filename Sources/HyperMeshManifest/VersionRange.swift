import Foundation

/// A set of acceptable semantic versions, written the way package managers do.
///
/// Grammar (whitespace-separated comparators are ANDed, `||` separates alternatives):
/// - `*` — any release version;
/// - `1.2.3` or `=1.2.3` — exactly that version (build metadata ignored);
/// - `>1.2.3`, `>=1.2.3`, `<1.2.3`, `<=1.2.3`;
/// - `^1.2.3` — compatible: `>=1.2.3 <2.0.0` (for `0.x`: `^0.2.3` = `>=0.2.3 <0.3.0`, `^0.0.3` = `>=0.0.3 <0.0.4`);
/// - `~1.2.3` — patch updates: `>=1.2.3 <1.3.0`.
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
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw VersionRangeError(text: text, reason: "empty range; use * for any version") }
        var alternatives: [[Comparator]] = []
        for alternative in trimmed.components(separatedBy: "||") {
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

    /// A range that matches exactly one version.
    public static func exactly(_ version: SemanticVersion) -> VersionRange {
        // Force-try is safe: the description of a valid version always parses.
        try! VersionRange(parsing: "=" + version.description)
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
        let upper: SemanticVersion
        if prefix == "^" {
            if version.major > 0 {
                upper = SemanticVersion(version.major + 1, 0, 0)
            } else if version.minor > 0 {
                upper = SemanticVersion(0, version.minor + 1, 0)
            } else {
                upper = SemanticVersion(0, 0, version.patch + 1)
            }
        } else {
            upper = SemanticVersion(version.major, version.minor + 1, 0)
        }
        return [Comparator(operation: .greaterOrEqual, version: version), Comparator(operation: .less, version: upper)]
    }
}

/// A string that is not a valid version range, and why.
public struct VersionRangeError: Error, Sendable, Equatable, CustomStringConvertible {
    public let text: String
    public let reason: String
    public var description: String { "'\(text)' is not a version range: \(reason)" }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
