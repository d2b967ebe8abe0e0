import HyperMeshExtensions
import Testing

/// The Catalog does everything through the host API, so the host's grant decides what it can do:
/// without a capability the matching calls fail with a permission error naming it, and the host
/// (and the Catalog) keep running.
@Suite struct CapabilityTests {
    @Test func withoutStorageEveryCallIsDeniedNamingStorage() async throws {
        let host = try await CatalogHost.start(capabilities: ["assetManagement", "events"])
        #expect(try await host.registry.state(of: host.id) == .active)

        let requests: [(String, String)] = [
            ("add", try RequestJSON.text(NewAsset(name: "x"))),
            ("get", #"{"type":"document","name":"x"}"#),
            ("list", "{}"),
            ("search", #"{"query":"x"}"#),
            ("install", try RequestJSON.text(ReleaseRequest(name: "p", version: "1.0.0", assets: [NewAsset(name: "x")]))),
            ("packages", "{}"),
        ]
        for (method, input) in requests {
            let error = await host.failure(method, input)
            expectMethodFailure(error, status: "PERMISSION_DENIED", mentions: ["'storage'", StagedCatalog.id])
        }
        let info = try await host.registry.info(host.id)
        #expect(info.state == .active)
        #expect(info.hostDenials >= requests.count)

        // The Catalog says why it cannot work, and the host reports it.
        let health = try #require(info.health)
        #expect(health.reported == .unhealthy)
        #expect(health.status == .unhealthy)
        #expect(health.detail?.contains("storage unavailable") == true)
        #expect(health.detail?.contains("'storage'") == true)

        // Bad input is still reported as such: validation happens before storage is touched.
        expectMethodFailure(await host.failure("add", "not json"), status: "INVALID_ARGUMENT")

        // The host keeps running: the Catalog deactivates and activates cleanly, and a Catalog that
        // was granted storage works in another host of the same process.
        try await host.registry.deactivate(host.id)
        try await host.registry.activate(host.id)
        expectMethodFailure(await host.failure("list", "{}"), status: "PERMISSION_DENIED", mentions: ["'storage'"])
        let granted = try await CatalogHost.start()
        #expect(try await granted.add(NewAsset(name: "works")).id == "document/works@1.0.0")
        await host.registry.shutdown()
        #expect(await host.registry.registeredIDs.isEmpty)
    }

    @Test func withoutAssetManagementActivationFailsNamingTheCapability() async throws {
        let host = try await CatalogHost.start(capabilities: ["events", "storage"], activate: false)
        do {
            try await host.registry.activate(host.id)
            Issue.record("the Catalog activated without assetManagement")
        } catch {
            #expect(error.code == .activationFailed)
            #expect(error.cause?.contains("'assetManagement'") == true, "\(error)")
        }
        guard case .failed(let cause) = try await host.registry.state(of: host.id) else {
            Issue.record("the Catalog is not failed after a refused activation")
            return
        }
        #expect(cause.contains("assetManagement"))
        #expect(host.registry.assets.allHandlers().isEmpty)
        do {
            try await host.call("list")
            Issue.record("a failed Catalog accepted a call")
        } catch {
            #expect(error.code == .notActive)
        }
    }

    @Test func withoutEventsChangesAreStillStoredAndNothingIsAnnounced() async throws {
        let host = try await CatalogHost.start(capabilities: ["assetManagement", "consensusAccess", "storage"])
        let stream = host.registry.events.subscribe()
        let added = try await host.add(NewAsset(name: "silent"))
        try await host.call("install", ReleaseRequest(name: "p", version: "1.0.0", assets: [NewAsset(name: "p-doc")]))
        host.registry.events.finish()
        #expect(added.id == "document/silent@1.0.0")
        #expect(try await host.listAll().count == 2)
        var topics: [String] = []
        for await event in stream { topics.append(event.topic) }
        #expect(topics.isEmpty)
        // The refused emissions were asked for and denied by the host.
        #expect(try await host.registry.info(host.id).hostDenials == 2)
    }
}
