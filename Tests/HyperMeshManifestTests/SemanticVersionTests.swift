import Testing
import HyperMeshManifest

@Suite struct SemanticVersionTests {
    @Test(arguments: [
        ("0.0.0", SemanticVersion(0, 0, 0)),
        ("1.2.3", SemanticVersion(1, 2, 3)),
        ("1.0.0-alpha", SemanticVersion(1, 0, 0, prerelease: ["alpha"])),
        ("1.0.0-alpha.1", SemanticVersion(1, 0, 0, prerelease: ["alpha", "1"])),
        ("1.0.0-0.3.7", SemanticVersion(1, 0, 0, prerelease: ["0", "3", "7"])),
        ("1.0.0-x.7.z.92", SemanticVersion(1, 0, 0, prerelease: ["x", "7", "z", "92"])),
        ("1.0.0-x-y-z.--", SemanticVersion(1, 0, 0, prerelease: ["x-y-z", "--"])),
        ("1.0.0+20130313144700", SemanticVersion(1, 0, 0, build: ["20130313144700"])),
        ("1.0.0-beta+exp.sha.5114f85", SemanticVersion(1, 0, 0, prerelease: ["beta"], build: ["exp", "sha", "5114f85"])),
        ("1.0.0+21AF26D3----117B344092BD", SemanticVersion(1, 0, 0, build: ["21AF26D3----117B344092BD"])),
        ("1.0.0+001", SemanticVersion(1, 0, 0, build: ["001"])),
        ("18446744073709551615.0.0", SemanticVersion(.max, 0, 0)),
    ])
    func parsesValidVersions(text: String, expected: SemanticVersion) throws {
        let version = try SemanticVersion(parsing: text)
        #expect(version == expected)
        #expect(version.description == text)
    }

    @Test(arguments: [
        "", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.03", "v1.2.3", "1.2.3-", "1.2.3+", "1.2.3-01",
        "1.2.3-alpha..1", "1.2.3+build..1", "1.2.3-alpha_1", " 1.2.3", "1.2.3 ", "-1.2.3", "1.-2.3",
        "18446744073709551616.0.0", "1.2.3-é", "1.2.3\n", "1.2.x", "1.2.3-+meta", "١.2.3",
    ])
    func rejectsInvalidVersions(text: String) {
        #expect(throws: SemanticVersionError.self) { try SemanticVersion(parsing: text) }
    }

    @Test func errorsSayWhy() {
        #expect(throws: SemanticVersionError(text: "1.02.3", reason: "minor version '02' has a leading zero")) {
            try SemanticVersion(parsing: "1.02.3")
        }
        #expect(throws: SemanticVersionError(text: "1.2", reason: "expected MAJOR.MINOR.PATCH, e.g. 1.2.3")) {
            try SemanticVersion(parsing: "1.2")
        }
    }

    /// The precedence example from the Semantic Versioning 2.0.0 specification, item 11.
    @Test func precedenceFollowsTheSpecification() throws {
        let ordered = try [
            "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
            "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1",
        ].map { text throws(SemanticVersionError) in try SemanticVersion(parsing: text) }
        for (lower, higher) in zip(ordered, ordered.dropFirst()) {
            #expect(lower < higher, "\(lower) < \(higher)")
            #expect(!(higher < lower), "not \(higher) < \(lower)")
        }
        var generator = SeededRandom(seed: 11)
        #expect(ordered.shuffled(using: &generator).sorted() == ordered)
    }

    @Test func buildMetadataIsIgnoredForPrecedenceButNotEquality() throws {
        let first = try SemanticVersion(parsing: "1.0.0+a")
        let second = try SemanticVersion(parsing: "1.0.0+b")
        #expect(first.hasSamePrecedence(as: second))
        #expect(!(first < second) && !(second < first))
        #expect(first != second)
    }

    @Test func numericIdentifiersCompareAsNumbersOfAnySize() throws {
        #expect(try SemanticVersion(parsing: "1.0.0-2") < SemanticVersion(parsing: "1.0.0-10"))
        #expect(try SemanticVersion(parsing: "1.0.0-99999999999999999999") < SemanticVersion(parsing: "1.0.0-100000000000000000000"))
        #expect(try SemanticVersion(parsing: "1.0.0-99999999999999999999") < SemanticVersion(parsing: "1.0.0-a"))
        #expect(try SemanticVersion(parsing: "1.0.0-1") < SemanticVersion(parsing: "1.0.0-a"))
        #expect(try SemanticVersion(parsing: "1.0.0-B") < SemanticVersion(parsing: "1.0.0-a"))
    }

    @Test func releaseDropsPrereleaseAndBuild() throws {
        let version = try SemanticVersion(parsing: "1.2.3-rc.1+sha.1")
        #expect(version.isPrerelease)
        #expect(version.release == SemanticVersion(1, 2, 3))
        #expect(!version.release.isPrerelease)
    }
}
