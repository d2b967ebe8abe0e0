import HyperMeshExtensions
import Testing

/// The Catalog reports its own health (healthy, with how much it holds); the host shows it in
/// `info(id).health`.
@Suite struct HealthTests {
    @Test func healthReportsTheCatalogsContents() async throws {
        let host = try await CatalogHost.start()
        var health = try #require(try await host.registry.info(host.id).health)
        #expect(health.status == .healthy)
        #expect(health.reported == .healthy)
        #expect(health.detail == "0 assets, 0 packages")

        try await host.add(NewAsset(name: "one"))
        health = try #require(try await host.registry.info(host.id).health)
        #expect(health.detail == "1 asset, 0 packages")

        try await host.call("install", ReleaseRequest(name: "pack", version: "1.0.0", assets: [NewAsset(name: "two"), NewAsset(name: "three")]))
        health = try #require(try await host.registry.info(host.id).health)
        #expect(health.detail == "3 assets, 1 package")
        #expect(health.status == .healthy)
    }

    @Test func theHostCombinesTheReportWithTheErrorRateItObserves() async throws {
        let host = try await CatalogHost.start()
        for index in 0..<10 {
            _ = await host.failure("get", #"{"type":"document","name":"missing-\#(index)"}"#)
        }
        let health = try #require(try await host.registry.info(host.id).health)
        // The Catalog still reports itself healthy; the host's own view of the error rate decides the status.
        #expect(health.reported == .healthy)
        #expect(health.observedCalls == 10)
        #expect(health.observedErrorRate == 1)
        #expect(health.status == .unhealthy)
    }

    @Test func anInactiveCatalogStillReportsAndAnUnregisteredOneIsUnknown() async throws {
        let host = try await CatalogHost.start()
        try await host.add(NewAsset(name: "kept"))
        try await host.registry.deactivate(host.id)
        let health = try #require(try await host.registry.info(host.id).health)
        #expect(health.reported == .healthy)
        #expect(health.detail == "1 asset, 0 packages")
        try await host.registry.unregister(host.id)
        await #expect(throws: ExtensionError.self) { try await host.registry.info(host.id) }
    }
}
