import HyperMeshExtensions
import Testing

/// The Catalog claims its asset types with the host when it activates, and gives them back when it
/// is deactivated.
@Suite struct AssetHandlerTests {
    static let assetTypes = ["catalog.binary", "catalog.configuration", "catalog.document", "catalog.wasm-module"]

    @Test func activationRegistersEveryAssetTypeForTheCatalog() async throws {
        let host = try await CatalogHost.start(activate: false)
        #expect(host.registry.assets.allHandlers().isEmpty)
        try await host.registry.activate(host.id)
        for type in Self.assetTypes {
            #expect(host.registry.assets.handler(for: type) == StagedCatalog.id)
        }
        #expect(host.registry.assets.assetTypes(of: host.id) == Self.assetTypes)
        #expect(try await host.registry.info(host.id).assetTypes == Self.assetTypes)
    }

    @Test func assetCallsReachTheCatalog() async throws {
        let host = try await CatalogHost.start()
        let request = try RequestJSON.text(NewAsset(name: "via-asset-route", content: "routed"))
        let added = try await host.registry.callAsset(type: "catalog.document", method: "add", input: Array(request.utf8))
        #expect(String(decoding: added, as: UTF8.self).contains(#""id":"document/via-asset-route@1.0.0""#))
        let listed = try await host.registry.callAsset(type: "catalog.wasm-module", method: "list", input: Array("{}".utf8))
        #expect(String(decoding: listed, as: UTF8.self).contains("document/via-asset-route@1.0.0"))
        // Errors come back the same way as through a direct call.
        do {
            _ = try await host.registry.callAsset(type: "catalog.binary", method: "get", input: Array(#"{"type":"binary","name":"none"}"#.utf8))
            Issue.record("get of a missing asset succeeded")
        } catch {
            expectMethodFailure(error, status: "NOT_FOUND", mentions: ["binary/none"])
        }
    }

    @Test func deactivationReleasesTheTypes() async throws {
        let host = try await CatalogHost.start()
        try await host.registry.deactivate(host.id)
        #expect(host.registry.assets.allHandlers().isEmpty)
        do {
            _ = try await host.registry.callAsset(type: "catalog.document", method: "list", input: [])
            Issue.record("an asset call reached a deactivated Catalog")
        } catch {
            #expect(error.code == .noAssetHandler)
            #expect(error.message.contains("'catalog.document'"))
        }
    }

    @Test func reactivationRegistersTheTypesAgainAndKeepsTheLibrary() async throws {
        let host = try await CatalogHost.start()
        try await host.add(NewAsset(name: "survivor"))
        for _ in 0..<2 {
            try await host.registry.deactivate(host.id)
            #expect(try await host.registry.state(of: host.id) == .inactive)
            #expect(host.registry.assets.assetTypes(of: host.id).isEmpty)
            try await host.registry.activate(host.id)
            #expect(try await host.registry.state(of: host.id) == .active)
            #expect(host.registry.assets.assetTypes(of: host.id) == Self.assetTypes)
        }
        let listed = try await host.registry.callAsset(type: "catalog.document", method: "list", input: [])
        #expect(String(decoding: listed, as: UTF8.self).contains("document/survivor@1.0.0"))
    }
}
