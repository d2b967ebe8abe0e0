import Foundation
import HyperMeshExtensions
import HyperMeshTestSupport
import Testing

/// The host API as a loaded C extension uses it: storage, events, asset types, and refusals.
@Suite struct HostAPITests {
    @Test func storagePersistsAcrossHostRestarts() async throws {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.store")
        do {
            let (registry, _) = try await host.registryWithStagedPackages()
            try await registry.activate("org.tests.store")
            _ = try await registry.callText("org.tests.store", "put", #"{"key":"greeting","value":"hi"}"#)
            await registry.shutdown()
        }
        let (registry, _) = try await host.registryWithStagedPackages()
        try await registry.activate("org.tests.store")
        #expect(try await registry.callText("org.tests.store", "get", #"{"key":"greeting"}"#) == "hi")
    }

    @Test func storageWithoutTheCapabilityIsDeniedAndCounted() async throws {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.nostorage", manifest: ["capabilities": ["events"]])
        let (registry, _) = try await host.registryWithStagedPackages()
        try await registry.activate("org.tests.nostorage")
        let error = try #require(await #expect(throws: ExtensionError.self) {
            try await registry.callText("org.tests.nostorage", "put", #"{"key":"k","value":"v"}"#)
        })
        #expect(error.cause?.contains("storage") == true)
        #expect(try await registry.info("org.tests.nostorage").hostDenials == 1)
    }

    @Test func eventsReachHostListeners() async throws {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.events")
        let (registry, _) = try await host.registryWithStagedPackages()
        let events = registry.events.subscribe()
        try await registry.activate("org.tests.events")
        _ = try await registry.callText("org.tests.events", "event", #"{"topic":"fixture.ping","payload":"pong"}"#)
        var iterator = events.makeAsyncIterator()
        let event = try #require(await iterator.next())
        #expect(event.extensionID == "org.tests.events")
        #expect(event.topic == "fixture.event")
        #expect(String(decoding: event.payload, as: UTF8.self).contains("pong"))
    }

    @Test func assetRequestsAreRoutedToTheirHandler() async throws {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.assets")
        try host.stageFixture(id: "org.tests.rival")
        let (registry, _) = try await host.registryWithStagedPackages()
        try await registry.activate("org.tests.assets")
        try await registry.activate("org.tests.rival")
        _ = try await registry.callText("org.tests.assets", "register", #"{"type":"fixture.doc"}"#)
        #expect(registry.assets.handler(for: "fixture.doc") == "org.tests.assets")
        let routed = try await registry.callAsset(type: "fixture.doc", method: "echo", input: Array("routed".utf8))
        #expect(String(decoding: routed, as: UTF8.self) == "routed")
        // A second extension cannot take a type that is already handled.
        let error = try #require(await #expect(throws: ExtensionError.self) {
            try await registry.callText("org.tests.rival", "register", #"{"type":"fixture.doc"}"#)
        })
        #expect(error.cause?.contains("org.tests.assets") == true)
        // Deactivation releases the type.
        try await registry.deactivate("org.tests.assets")
        #expect(registry.assets.handler(for: "fixture.doc") == nil)
        let unrouted = try #require(await #expect(throws: ExtensionError.self) {
            try await registry.callAsset(type: "fixture.doc", method: "echo", input: [])
        })
        #expect(unrouted.code == .noAssetHandler)
    }
}
