import HyperMeshExtensions
import Testing

/// `search`: a case-insensitive substring of the name, an exact type, an exact tag, all combined.
@Suite struct AssetSearchTests {
    /// A small library: three types, overlapping names and tags.
    private func library() async throws -> CatalogHost {
        let host = try await CatalogHost.start()
        try await host.add(NewAsset(type: "document", name: "Network-Guide", tags: ["ops", "network"]))
        try await host.add(NewAsset(type: "document", name: "network-faq", version: "2.0.0", tags: ["faq"]))
        try await host.add(NewAsset(type: "configuration", name: "networkd", tags: ["ops"]))
        try await host.add(NewAsset(type: "configuration", name: "storage", tags: ["ops", "disk"]))
        try await host.add(NewAsset(type: "binary", name: "NETWORK.bin", content: "AQID", encoding: "base64"))
        return host
    }

    private func search(_ query: SearchQuery, on host: CatalogHost) async throws -> [String] {
        try await host.call("search", query, as: AssetListView.self).assets.map(\.id)
    }

    @Test func queryMatchesASubstringOfTheNameIgnoringCase() async throws {
        let host = try await library()
        #expect(try await search(SearchQuery(query: "NetWork"), on: host) == [
            "binary/NETWORK.bin@1.0.0", "configuration/networkd@1.0.0", "document/Network-Guide@1.0.0",
            "document/network-faq@2.0.0",
        ])
        #expect(try await search(SearchQuery(query: "-gUIDE"), on: host) == ["document/Network-Guide@1.0.0"])
        #expect(try await search(SearchQuery(query: "absent"), on: host).isEmpty)
    }

    @Test func typeFilterKeepsOneType() async throws {
        let host = try await library()
        #expect(try await search(SearchQuery(type: "configuration"), on: host) == [
            "configuration/networkd@1.0.0", "configuration/storage@1.0.0",
        ])
    }

    @Test func tagFilterMatchesOneTagExactly() async throws {
        let host = try await library()
        #expect(try await search(SearchQuery(tag: "ops"), on: host) == [
            "configuration/networkd@1.0.0", "configuration/storage@1.0.0", "document/Network-Guide@1.0.0",
        ])
        // Tags match exactly: neither a substring nor another case.
        #expect(try await search(SearchQuery(tag: "op"), on: host).isEmpty)
        #expect(try await search(SearchQuery(tag: "OPS"), on: host).isEmpty)
    }

    @Test func everyGivenFilterMustMatch() async throws {
        let host = try await library()
        #expect(try await search(SearchQuery(query: "network", type: "configuration", tag: "ops"), on: host) == [
            "configuration/networkd@1.0.0",
        ])
        #expect(try await search(SearchQuery(query: "network", tag: "ops"), on: host) == [
            "configuration/networkd@1.0.0", "document/Network-Guide@1.0.0",
        ])
        #expect(try await search(SearchQuery(query: "storage", type: "document"), on: host).isEmpty)
    }

    @Test func noFilterReturnsEverythingWithoutContent() async throws {
        let host = try await library()
        let everything = try await host.call("search", "{}", as: AssetListView.self).assets
        #expect(everything.count == 5)
        #expect(everything.allSatisfy { $0.content == nil })
        // Empty input counts as no filter.
        #expect(try await host.call("search", "", as: AssetListView.self).assets.count == 5)
    }

    @Test func anUnknownTypeFilterIsAnError() async throws {
        let host = try await library()
        let error = try await host.failure("search", SearchQuery(type: "video"))
        expectMethodFailure(error, status: "INVALID_ARGUMENT", mentions: ["'video'", "binary, configuration, document, wasm-module"])
    }
}
