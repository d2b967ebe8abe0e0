import Testing
import HyperMeshManifest

@Suite struct VersionRangeTests {
    private func contains(_ range: String, _ version: String) throws -> Bool {
        try VersionRange(parsing: range).contains(SemanticVersion(parsing: version))
    }

    @Test(arguments: [
        ("^1.2.3", "1.2.3", true), ("^1.2.3", "1.9.9", true), ("^1.2.3", "2.0.0", false), ("^1.2.3", "1.2.2", false),
        ("^0.2.3", "0.2.9", true), ("^0.2.3", "0.3.0", false), ("^0.2.3", "0.2.2", false),
        ("^0.0.3", "0.0.3", true), ("^0.0.3", "0.0.4", false),
        ("~1.2.3", "1.2.9", true), ("~1.2.3", "1.3.0", false), ("~1.2.3", "1.2.2", false), ("~0.2.3", "0.2.4", true),
        (">=1.0.0 <2.0.0", "1.5.0", true), (">=1.0.0 <2.0.0", "2.0.0", false), (">=1.0.0 <2.0.0", "0.9.0", false),
        (">1.0.0", "1.0.0", false), (">1.0.0", "1.0.1", true), ("<=1.5.0", "1.5.0", true), ("<=1.5.0", "1.5.1", false),
        ("<1.5.0", "1.5.0", false), ("=1.0.0", "1.0.0", true), ("1.0.0", "1.0.0+build.1", true), ("1.0.0", "1.0.1", false),
        ("^1.0.0 || ^3.0.0", "1.5.0", true), ("^1.0.0 || ^3.0.0", "3.1.0", true), ("^1.0.0 || ^3.0.0", "2.0.0", false),
        ("^1.0.0||^3.0.0", "3.0.0", true),
        ("*", "0.0.1", true), ("*", "99.0.0", true), ("x", "1.0.0", true),
        ("  >1.0.0\t<2.0.0  ", "1.5.0", true),
    ])
    func matchesReleases(range: String, version: String, expected: Bool) throws {
        #expect(try contains(range, version) == expected)
    }

    /// A pre-release matches only a comparator naming a pre-release of the same MAJOR.MINOR.PATCH.
    @Test(arguments: [
        ("^1.0.0", "2.0.0-beta", false), ("^1.0.0", "1.5.0-beta", false), ("*", "1.0.0-rc.1", false),
        (">=1.2.3-beta.1 <2.0.0", "1.2.3-beta.2", true), (">=1.2.3-beta.1 <2.0.0", "1.2.3-alpha", false),
        (">=1.2.3-beta.1 <2.0.0", "1.2.4-beta.1", false), (">=1.2.3-beta.1 <2.0.0", "1.2.4", true),
        ("^1.2.3-beta.1", "1.2.3", true), ("1.0.0-rc.1", "1.0.0-rc.1", true),
        ("^1.0.0 || 3.0.0-rc.1", "3.0.0-rc.1", true),
    ])
    func matchesPrereleasesOnlyWhenNamed(range: String, version: String, expected: Bool) throws {
        #expect(try contains(range, version) == expected)
    }

    @Test(arguments: [
        "", "   ", "||", "1.0.0 ||", "|| 1.0.0", "1.0.0 || || 2.0.0", "1.0.0 | 2.0.0", "latest", ">= 1.0.0", "1.x",
        "1.2", "^", "~1.2", ">=1.0.0,<2.0.0", "=>1.0.0", "v1.0.0", "1.0.0\n", "1.0.0\u{A0}", "*1.0.0",
        "^18446744073709551615.0.0", "^0.18446744073709551615.0", "^0.0.18446744073709551615", "~0.18446744073709551615.0",
    ])
    func rejectsInvalidRanges(text: String) {
        #expect(throws: VersionRangeError.self) { try VersionRange(parsing: text) }
    }

    @Test func overflowingUpperBoundIsAnErrorNotACrash() {
        #expect(throws: VersionRangeError(
            text: "^18446744073709551615.0.0",
            reason: "in '^18446744073709551615.0.0': the upper bound of the range does not fit in a 64-bit version number")) {
            try VersionRange(parsing: "^18446744073709551615.0.0")
        }
        #expect(throws: Never.self) { try VersionRange(parsing: "~18446744073709551615.0.0") }
    }

    @Test func equalityComparesMeaningNotText() throws {
        let caret = try VersionRange(parsing: "^1.2.3")
        #expect(caret == (try VersionRange(parsing: ">=1.2.3 <2.0.0")))
        #expect(caret != (try VersionRange(parsing: "~1.2.3")))
        #expect(caret.text == "^1.2.3")
        #expect(try VersionRange(parsing: "\t^1.2.3 ").text == "^1.2.3")
    }

    @Test func exactlyMatchesOneVersionAndNeverTraps() throws {
        let range = VersionRange.exactly(try SemanticVersion(parsing: "1.2.3-rc.1"))
        #expect(range.contains(try SemanticVersion(parsing: "1.2.3-rc.1+build")))
        #expect(!range.contains(try SemanticVersion(parsing: "1.2.3")))
        #expect(range == (try VersionRange(parsing: "=1.2.3-rc.1")))
        // An unvalidated version whose text would not parse still gives a usable range.
        let odd = VersionRange.exactly(SemanticVersion(1, 0, 0, prerelease: ["not valid"]))
        #expect(odd.contains(SemanticVersion(1, 0, 0, prerelease: ["not valid"])))
    }
}
