import Foundation
import HyperMeshExtensions
import HyperMeshTestSupport
import Testing

/// Every way a native library can be wrong: a typed error naming the extension and the cause,
/// the extension left `failed`, and every other extension untouched.
@Suite struct LoadFailureTests {
    /// Stages a healthy extension next to a broken one, activates both, and returns the broken
    /// one's error after checking the healthy one still answers.
    func failureBesideAHealthyExtension(
        defines: [String: String] = [:], libraryVersion: String? = nil
    ) async throws -> (ExtensionError, LifecycleState) {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.healthy")
        try host.stageFixture(id: "org.tests.broken", libraryVersion: libraryVersion, defines: defines)
        let (registry, problems) = try await host.registryWithStagedPackages()
        #expect(problems.isEmpty)
        try await registry.activate("org.tests.healthy")
        let error = try #require(await #expect(throws: ExtensionError.self) { try await registry.activate("org.tests.broken") })
        #expect(error.extensionID == "org.tests.broken")
        #expect(try await registry.callText("org.tests.healthy", "echo", "still here") == "still here")
        #expect(try await registry.state(of: "org.tests.healthy") == .active)
        return (error, try await registry.state(of: "org.tests.broken"))
    }

    @Test func missingEntrySymbol() async throws {
        let (error, state) = try await failureBesideAHealthyExtension(defines: ["FIXTURE_OMIT_CREATE": "1"])
        #expect(error.code == .symbolMissing)
        #expect(error.message.contains("hypermesh_extension_create"))
        #expect(error.cause?.isEmpty == false)
        guard case .failed = state else { Issue.record("expected failed, got \(state)"); return }
    }

    @Test func wrongABIVersion() async throws {
        let (error, state) = try await failureBesideAHealthyExtension(defines: ["FIXTURE_ABI": "99"])
        #expect(error.code == .abiMismatch)
        #expect(error.message.contains("99"))
        guard case .failed = state else { Issue.record("expected failed, got \(state)"); return }
    }

    @Test func metadataDisagreesWithManifest() async throws {
        let (error, _) = try await failureBesideAHealthyExtension(libraryVersion: "9.9.9")
        #expect(error.code == .metadataMismatch)
        #expect(error.message.contains("9.9.9"))
    }

    @Test func createReturningNull() async throws {
        let (error, state) = try await failureBesideAHealthyExtension(defines: ["FIXTURE_CREATE_RETURNS_NULL": "1"])
        #expect(error.code == .createFailed)
        #expect(error.cause?.contains("fixture refused to start") == true)
        guard case .failed(let cause) = state else { Issue.record("expected failed, got \(state)"); return }
        #expect(cause.contains("fixture refused to start"))
    }

    @Test func libraryThatIsNotALibrary() async throws {
        let host = FixtureHost()
        let bogus = host.root.appendingPathComponent("not-a-library.so")
        try Data("this is text, not ELF".utf8).write(to: bogus)
        try PackageStager.stage(
            manifest: ["id": "org.tests.bogus", "name": "Bogus", "version": "1.0.0", "kind": "native", "entry": "libbogus.so",
                       "abi": ["min": 1, "max": 1], "category": "testing"],
            payload: bogus, entryName: "libbogus.so", into: host.extensionsDirectory.appendingPathComponent("bogus"))
        let (registry, _) = try await host.registryWithStagedPackages()
        let error = try #require(await #expect(throws: ExtensionError.self) { try await registry.activate("org.tests.bogus") })
        #expect(error.code == .libraryOpenFailed)
        #expect(error.cause?.isEmpty == false)
    }

    @Test func methodReturningAnError() async throws {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.failing")
        let (registry, _) = try await host.registryWithStagedPackages()
        try await registry.activate("org.tests.failing")
        let error = try #require(await #expect(throws: ExtensionError.self) { try await registry.callText("org.tests.failing", "fail") })
        #expect(error.code == .methodFailed)
        #expect(error.extensionID == "org.tests.failing")
        #expect(error.message.contains("INVALID_ARGUMENT"))
        #expect(error.cause == "fixture failure")
        #expect(try await registry.state(of: "org.tests.failing") == .active)
        #expect(try await registry.info("org.tests.failing").metrics.errors == 1)
    }

    @Test func callingAnInactiveExtensionIsRefused() async throws {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.idle")
        let (registry, _) = try await host.registryWithStagedPackages()
        let error = try #require(await #expect(throws: ExtensionError.self) { try await registry.callText("org.tests.idle", "echo") })
        #expect(error.code == .notActive)
    }

    @Test func aNativeLibraryDeclaredAsWasmIsRefusedAsAMalformedModule() async throws {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.wasm", manifest: ["kind": "wasm"])
        let (registry, _) = try await host.registryWithStagedPackages()
        let error = try #require(await #expect(throws: ExtensionError.self) { try await registry.activate("org.tests.wasm") })
        #expect(error.code == .wasmMalformedModule)
        #expect(error.message.contains("not a valid WebAssembly module"))
    }
}
