import Foundation
import HyperMeshExtensions
import HyperMeshTestSupport
import Testing

/// Dependencies between real loaded extensions: order, refusal, cascade, root-cause errors.
@Suite struct DependencyTests {
    @Test func activatesDependenciesFirstAndDeactivatesInReverse() async throws {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.base")
        try host.stageFixture(id: "org.tests.middle", manifest: ["dependencies": ["org.tests.base": "^1.0.0"]])
        try host.stageFixture(id: "org.tests.top", manifest: ["dependencies": ["org.tests.middle": ">=1.0.0"]])
        let (registry, _) = try await host.registryWithStagedPackages()
        let changes = registry.lifecycleChanges.subscribe()
        #expect(try await registry.activate("org.tests.top") == ["org.tests.base", "org.tests.middle", "org.tests.top"])
        #expect(try await registry.deactivate("org.tests.base", cascade: true) == ["org.tests.top", "org.tests.middle", "org.tests.base"])
        var activeOrder: [String] = []
        var inactiveOrder: [String] = []
        for await change in changes {
            if change.to == .active { activeOrder.append(change.extensionID) }
            if change.to == .inactive { inactiveOrder.append(change.extensionID) }
            if inactiveOrder.count == 3 { break }
        }
        #expect(activeOrder == ["org.tests.base", "org.tests.middle", "org.tests.top"])
        #expect(inactiveOrder == ["org.tests.top", "org.tests.middle", "org.tests.base"])
    }

    @Test func unregisterWhileDependedUponIsRefusedUnlessCascading() async throws {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.base")
        try host.stageFixture(id: "org.tests.user", manifest: ["dependencies": ["org.tests.base": "^1.0.0"]])
        let (registry, _) = try await host.registryWithStagedPackages()
        try await registry.activate("org.tests.user")
        let error = try #require(await #expect(throws: ExtensionError.self) { try await registry.unregister("org.tests.base") })
        #expect(error.code == .dependedUpon)
        #expect(error.extensionID == "org.tests.base")
        #expect(error.message.contains("org.tests.user"))
        #expect(try await registry.state(of: "org.tests.base") == .active)
        #expect(try await registry.callText("org.tests.user", "echo", "ok") == "ok")
        #expect(try await registry.unregister("org.tests.base", cascade: true) == ["org.tests.user", "org.tests.base"])
        #expect(await registry.registeredIDs.isEmpty)
    }

    @Test func dependencyCycleIsRefusedWithTheCyclePrinted() async throws {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.a", manifest: ["dependencies": ["org.tests.b": "^1.0.0"]])
        try host.stageFixture(id: "org.tests.b", manifest: ["dependencies": ["org.tests.c": "^1.0.0"]])
        try host.stageFixture(id: "org.tests.c", manifest: ["dependencies": ["org.tests.a": "^1.0.0"]])
        try host.stageFixture(id: "org.tests.bystander")
        let (registry, _) = try await host.registryWithStagedPackages()
        let error = try #require(await #expect(throws: ExtensionError.self) { try await registry.activate("org.tests.a") })
        #expect(error.code == .dependencyResolution)
        #expect(error.message.contains("org.tests.a 1.0.0 -> org.tests.b 1.0.0 -> org.tests.c 1.0.0 -> org.tests.a 1.0.0"))
        for id in ["org.tests.a", "org.tests.b", "org.tests.c"] {
            #expect(try await registry.state(of: id) == .verified)
        }
        try await registry.activate("org.tests.bystander")
        #expect(try await registry.state(of: "org.tests.bystander") == .active)
    }

    @Test func missingDependencyNamesWhoNeedsIt() async throws {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.needy", manifest: ["dependencies": ["org.tests.absent": "^1.0.0"]])
        let (registry, _) = try await host.registryWithStagedPackages()
        let error = try #require(await #expect(throws: ExtensionError.self) { try await registry.activate("org.tests.needy") })
        #expect(error.code == .dependencyResolution)
        #expect(error.message.contains("org.tests.absent"))
        #expect(error.message.contains("org.tests.needy"))
        #expect(try await registry.state(of: "org.tests.needy") == .verified)
    }

    @Test func versionConflictGivesOneRootCause() async throws {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.lib", version: "1.4.0")
        try host.stageFixture(id: "org.tests.app", manifest: ["dependencies": ["org.tests.lib": "^2.0.0"]])
        let (registry, _) = try await host.registryWithStagedPackages()
        let error = try #require(await #expect(throws: ExtensionError.self) { try await registry.activate("org.tests.app") })
        #expect(error.code == .dependencyResolution)
        #expect(error.message.contains("^2.0.0"))
        #expect(error.message.contains("1.4.0"))
        #expect(try await registry.state(of: "org.tests.lib") == .verified)
    }

    @Test func failingDependencyRollsBackWhatThisCallActivated() async throws {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.good")
        try host.stageFixture(id: "org.tests.bad", defines: ["FIXTURE_CREATE_RETURNS_NULL": "1"],
                              manifest: ["dependencies": ["org.tests.good": "^1.0.0"]])
        try host.stageFixture(id: "org.tests.app", manifest: ["dependencies": ["org.tests.bad": "^1.0.0"]])
        let (registry, _) = try await host.registryWithStagedPackages()
        let error = try #require(await #expect(throws: ExtensionError.self) { try await registry.activate("org.tests.app") })
        #expect(error.extensionID == "org.tests.app")
        #expect(error.message.contains("org.tests.bad"))
        #expect(try await registry.state(of: "org.tests.good") == .inactive)
        #expect(try await registry.state(of: "org.tests.app") == .verified)
    }
}
