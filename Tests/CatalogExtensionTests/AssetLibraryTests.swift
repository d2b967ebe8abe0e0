import Foundation
import HyperMeshExtensions
import Testing

/// `add`, `get`, `list` and `remove` through the host: what is stored is what comes back.
@Suite struct AssetLibraryTests {
    @Test func addReturnsTheStoredRecordAndGetReturnsItWithItsContent() async throws {
        let host = try await CatalogHost.start()
        let added = try await host.add(NewAsset(type: "configuration", name: "node.conf", version: "1.2.3",
                                                tags: ["prod", "edge", "prod"], content: "port=7000"))
        #expect(added.id == "configuration/node.conf@1.2.3")
        #expect(added.tags == ["edge", "prod"])
        #expect(added.encoding == "utf8")
        #expect(added.length == 9)
        #expect(added.package == nil)

        let fetched = try await host.call("get", AssetQuery(type: "configuration", name: "node.conf", version: "1.2.3"), as: AssetView.self)
        #expect(fetched == added)
        #expect(fetched.content == "port=7000")
    }

    @Test func base64ContentIsCountedInDecodedBytes() async throws {
        let host = try await CatalogHost.start()
        let bytes: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0xFF]
        let content = Data(bytes).base64EncodedString()
        let added = try await host.add(NewAsset(type: "wasm-module", name: "filter", content: content, encoding: "base64"))
        #expect(added.length == bytes.count)
        #expect(added.encoding == "base64")
        let fetched = try await host.call("get", AssetQuery(type: "wasm-module", name: "filter"), as: AssetView.self)
        #expect(fetched.content.flatMap { Data(base64Encoded: $0) } == Data(bytes))
    }

    @Test func getWithoutVersionReturnsTheHighestPrecedenceNotTheLastAddedNorTheLexicallyGreatest() async throws {
        let host = try await CatalogHost.start()
        // Lexical order would pick 1.9.9 over 1.10.0 and 2.0.0-rc.1 over 2.0.0; addition order would pick 1.0.0.
        for version in ["1.9.9", "2.0.0-rc.1", "1.10.0", "2.0.0-alpha", "1.0.0"] {
            try await host.add(NewAsset(name: "guide", version: version))
        }
        #expect(try await latest(of: "guide", on: host) == "2.0.0-rc.1")
        try await host.add(NewAsset(name: "guide", version: "2.0.0"))
        #expect(try await latest(of: "guide", on: host) == "2.0.0")
        try await host.add(NewAsset(name: "guide", version: "2.0.1-beta.10"))
        try await host.add(NewAsset(name: "guide", version: "2.0.1-beta.9"))
        // Numeric pre-release identifiers compare as numbers.
        #expect(try await latest(of: "guide", on: host) == "2.0.1-beta.10")
    }

    @Test func getMatchesAVersionByPrecedenceIgnoringBuildMetadata() async throws {
        let host = try await CatalogHost.start()
        try await host.add(NewAsset(name: "notes", version: "1.0.0+build.7", content: "seven"))
        let fetched = try await host.call("get", AssetQuery(type: "document", name: "notes", version: "1.0.0"), as: AssetView.self)
        #expect(fetched.version == "1.0.0+build.7")
        #expect(fetched.content == "seven")
    }

    @Test func listIsSortedByTypeNameAndPrecedenceAndCanBeLimitedToOneType() async throws {
        let host = try await CatalogHost.start()
        try await host.add(NewAsset(type: "document", name: "b", version: "1.10.0"))
        try await host.add(NewAsset(type: "binary", name: "z", version: "1.0.0", content: "AA==", encoding: "base64"))
        try await host.add(NewAsset(type: "document", name: "a", version: "1.0.0"))
        try await host.add(NewAsset(type: "document", name: "b", version: "1.9.0"))

        let all = try await host.listAll()
        #expect(all.map(\.id) == ["binary/z@1.0.0", "document/a@1.0.0", "document/b@1.9.0", "document/b@1.10.0"])
        #expect(all.allSatisfy { $0.content == nil })

        let documents = try await host.call("list", #"{"type":"document"}"#, as: AssetListView.self).assets
        #expect(documents.map(\.id) == ["document/a@1.0.0", "document/b@1.9.0", "document/b@1.10.0"])
        let none = try await host.call("list", #"{"type":"configuration"}"#, as: AssetListView.self).assets
        #expect(none.isEmpty)
    }

    @Test func removeDeletesOneVersionOnly() async throws {
        let host = try await CatalogHost.start()
        try await host.add(NewAsset(name: "manual", version: "1.0.0"))
        try await host.add(NewAsset(name: "manual", version: "1.1.0"))
        let removed = try await host.call("remove", AssetQuery(type: "document", name: "manual", version: "1.1.0"), as: RemovedView.self)
        #expect(removed.removed == "document/manual@1.1.0")
        #expect(try await host.listAll().map(\.id) == ["document/manual@1.0.0"])
        #expect(try await latest(of: "manual", on: host) == "1.0.0")

        // Removing it again: it is gone.
        let again = try await host.failure("remove", AssetQuery(type: "document", name: "manual", version: "1.1.0"))
        expectMethodFailure(again, status: "NOT_FOUND", mentions: ["document/manual@1.1.0"])
    }

    @Test func aRemovedVersionCanBeAddedAgain() async throws {
        let host = try await CatalogHost.start()
        try await host.add(NewAsset(name: "draft", content: "first"))
        try await host.call("remove", AssetQuery(type: "document", name: "draft", version: "1.0.0"))
        try await host.add(NewAsset(name: "draft", content: "second"))
        let fetched = try await host.call("get", AssetQuery(type: "document", name: "draft"), as: AssetView.self)
        #expect(fetched.content == "second")
    }

    private func latest(of name: String, on host: CatalogHost) async throws -> String {
        try await host.call("get", AssetQuery(type: "document", name: name), as: AssetView.self).version
    }
}
