import Foundation
import HyperMeshExtensions
import HyperMeshTestSupport
import Testing

/// Broken packages are reported with their reason and never stop the others.
@Suite struct DiscoveryTests {
    func stageWithBrokenManifest(_ edit: (inout String) -> Void) async throws -> (DiscoveryResult, FixtureHost) {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.fine")
        let broken = try host.stageFixture(id: "org.tests.broken")
        let manifestURL = broken.appendingPathComponent("extension.json")
        var text = try String(contentsOf: manifestURL, encoding: .utf8)
        edit(&text)
        try text.write(to: manifestURL, atomically: true, encoding: .utf8)
        return (await ExtensionDiscovery.discover(in: [host.extensionsDirectory], verifier: TestTrust.allowingUnsigned), host)
    }

    func expectOneProblem(_ result: DiscoveryResult, code: ExtensionErrorCode, mentioning needle: String) {
        #expect(result.packages.map(\.manifest.id) == ["org.tests.fine"])
        #expect(result.problems.count == 1)
        let problem = result.problems.first
        #expect(problem?.error.code == code)
        #expect(problem?.directory.lastPathComponent == "org.tests.broken")
        #expect(problem.map { $0.error.description.contains(needle) } == true, "\(String(describing: problem?.error))")
    }

    @Test func invalidJSON() async throws {
        let (result, _) = try await stageWithBrokenManifest { $0 = String($0.dropLast(3)) }
        expectOneProblem(result, code: .invalidManifest, mentioning: "JSON")
    }

    @Test func unknownKey() async throws {
        let (result, _) = try await stageWithBrokenManifest { $0 = $0.replacingOccurrences(of: "\"category\"", with: "\"colour\":\"red\",\"category\"") }
        expectOneProblem(result, code: .invalidManifest, mentioning: "colour")
    }

    @Test func badSemanticVersion() async throws {
        let (result, _) = try await stageWithBrokenManifest { $0 = $0.replacingOccurrences(of: "\"1.0.0\"", with: "\"1.0\"") }
        expectOneProblem(result, code: .invalidManifest, mentioning: "1.0")
    }

    @Test func unknownCapability() async throws {
        let (result, _) = try await stageWithBrokenManifest { $0 = $0.replacingOccurrences(of: "\"storage\"", with: "\"rootAccess\"") }
        expectOneProblem(result, code: .invalidManifest, mentioning: "rootAccess")
    }

    @Test func fileDigestMismatch() async throws {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.fine")
        let broken = try host.stageFixture(id: "org.tests.broken")
        let payload = broken.appendingPathComponent("libfixture.so")
        var bytes = try Data(contentsOf: payload)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: payload)
        let result = await ExtensionDiscovery.discover(in: [host.extensionsDirectory], verifier: TestTrust.allowingUnsigned)
        expectOneProblem(result, code: .invalidPackage, mentioning: "libfixture.so")
    }

    @Test func unlistedFileInThePackage() async throws {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.fine")
        let broken = try host.stageFixture(id: "org.tests.broken")
        try Data("surprise".utf8).write(to: broken.appendingPathComponent("extra.bin"))
        expectOneProblem(await ExtensionDiscovery.discover(in: [host.extensionsDirectory], verifier: TestTrust.allowingUnsigned), code: .invalidPackage, mentioning: "extra.bin")
    }

    @Test func duplicateIDsKeepTheFirstSearchPath() async throws {
        let first = FixtureHost()
        let second = FixtureHost()
        try first.stageFixture(id: "org.tests.same", version: "1.0.0")
        try second.stageFixture(id: "org.tests.same", version: "2.0.0")
        let result = await ExtensionDiscovery.discover(in: [first.extensionsDirectory, second.extensionsDirectory], verifier: TestTrust.allowingUnsigned)
        #expect(result.packages.map(\.manifest.version.description) == ["1.0.0"])
        #expect(result.problems.map(\.error.code) == [.duplicateExtension])
    }

    @Test func searchPathOrder() {
        let paths = SearchPaths.resolve(
            explicit: ["/a", "rel"], environment: ["HYPERMESH_EXTENSION_PATH": "/b::/c", "HOME": "/home/u"],
            currentDirectory: URL(fileURLWithPath: "/work"))
        #expect(paths.map(\.path) == ["/a", "/work/rel", "/b", "/c", "/work/extensions", "/home/u/.local/share/hypermesh/extensions"])
    }

    @Test func aMissingSearchPathIsNotAnError() async {
        let result = await ExtensionDiscovery.discover(in: [URL(fileURLWithPath: "/nonexistent/hypermesh")], verifier: TestTrust.allowingUnsigned)
        #expect(result.packages.isEmpty)
        #expect(result.problems.isEmpty)
    }
}
