import Foundation
import HyperMeshExtensions
import HyperMeshTestSupport
import Testing

/// A FIFO in a package folder (as its manifest, its payload, or a file nobody lists) makes
/// discovery report that package at once, with the others still usable: opening a FIFO to read
/// it would wait for a writer, and hang `ext list` and the node's `--watch`.
@Suite struct FIFOPackageTests {
    func discover(_ host: FixtureHost, trap: FIFOTrap) async -> DiscoveryResult {
        let result = await ExtensionDiscovery.discover(in: [host.extensionsDirectory], verifier: TestTrust.allowingUnsigned)
        trap.finish()
        #expect(!trap.wasNeeded, "discovery waited on the FIFO \(trap.url.path)")
        return result
    }

    func expectReported(_ result: DiscoveryResult, code: ExtensionErrorCode, mentioning needles: [String],
                        sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.packages.map(\.manifest.id) == ["org.tests.fine"], sourceLocation: sourceLocation)
        #expect(result.problems.count == 1, sourceLocation: sourceLocation)
        let problem = result.problems.first
        #expect(problem?.directory.lastPathComponent == "org.tests.broken", sourceLocation: sourceLocation)
        #expect(problem?.error.code == code, "\(String(describing: problem?.error))", sourceLocation: sourceLocation)
        for needle in needles {
            #expect(problem.map { $0.error.description.contains(needle) } == true, "\(String(describing: problem?.error))",
                    sourceLocation: sourceLocation)
        }
    }

    @Test func aListedPayloadThatIsAFIFOIsReportedAndTheOtherPackagesAreFound() async throws {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.fine")
        let broken = try host.stageFixture(id: "org.tests.broken")
        let payload = broken.appendingPathComponent("libfixture.so")
        try FileManager.default.removeItem(at: payload)
        let trap = try FIFOTrap(at: payload)
        expectReported(await discover(host, trap: trap), code: .invalidPackage, mentioning: ["package.not_regular_file", "libfixture.so", "FIFO"])
    }

    @Test func anUnlistedFIFOIsReportedByName() async throws {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.fine")
        let broken = try host.stageFixture(id: "org.tests.broken")
        let trap = try FIFOTrap(at: broken.appendingPathComponent("pipe"))
        expectReported(await discover(host, trap: trap), code: .invalidPackage, mentioning: ["package.not_regular_file", "'pipe'"])
    }

    @Test func aManifestThatIsAFIFOIsReported() async throws {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.fine")
        let broken = try host.stageFixture(id: "org.tests.broken")
        let manifest = broken.appendingPathComponent("extension.json")
        try FileManager.default.removeItem(at: manifest)
        let trap = try FIFOTrap(at: manifest)
        expectReported(await discover(host, trap: trap), code: .invalidManifest, mentioning: ["FIFO"])
    }
}
