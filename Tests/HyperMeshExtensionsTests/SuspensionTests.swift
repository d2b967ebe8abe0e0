import Foundation
import HyperMeshExtensions
import Testing

@Suite struct SuspensionTests {
    @Test func suspendedExtensionRefusesCallsUntilResumedAndActivated() async throws {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.suspect")
        let (registry, _) = try await host.registryWithStagedPackages()
        try await registry.activate("org.tests.suspect")
        try await registry.suspend("org.tests.suspect", reason: "too many violations")
        #expect(try await registry.state(of: "org.tests.suspect") == .suspended(reason: "too many violations"))
        let refused = try #require(await #expect(throws: ExtensionError.self) { try await registry.callText("org.tests.suspect", "echo") })
        #expect(refused.code == .suspended)
        #expect(refused.message.contains("too many violations") && refused.message.contains("resume"))
        let activation = try #require(await #expect(throws: ExtensionError.self) { try await registry.activate("org.tests.suspect") })
        #expect(activation.message.contains("suspended"))
        try await registry.resume("org.tests.suspect")
        #expect(try await registry.state(of: "org.tests.suspect") == .inactive)
        try await registry.activate("org.tests.suspect")
        #expect(try await registry.callText("org.tests.suspect", "echo", "back") == "back")
    }

    @Test func suspendedExtensionCanBeUnregistered() async throws {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.gone")
        let (registry, _) = try await host.registryWithStagedPackages()
        try await registry.activate("org.tests.gone")
        try await registry.suspend("org.tests.gone", reason: "operator")
        #expect(try await registry.unregister("org.tests.gone") == ["org.tests.gone"])
        #expect(await registry.registeredIDs.isEmpty)
    }
}
