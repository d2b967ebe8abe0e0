import HyperMeshExtensions
import Testing

/// The Catalog's manifest lets the host run 4 calls at once; concurrent writers through the
/// registry lose nothing and duplicate nothing.
@Suite struct ConcurrencyTests {
    static let writers = 8
    static let addsPerWriter = 50

    @Test func concurrentAddsAreAllStoredExactlyOnce() async throws {
        let host = try await CatalogHost.start()
        #expect(try await host.registry.info(host.id).manifest.quotas.concurrency == 4)

        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<Self.writers {
                group.addTask {
                    for index in 0..<Self.addsPerWriter {
                        // Each writer adds its own names and also a new version of one shared name.
                        try await host.add(NewAsset(name: "w\(writer)-a\(index)", tags: ["writer-\(writer)"]))
                        try await host.add(NewAsset(name: "shared", version: "\(writer).\(index).0"))
                    }
                }
            }
            try await group.waitForAll()
        }

        let expected = (0..<Self.writers).flatMap { writer in
            (0..<Self.addsPerWriter).flatMap { index in
                ["document/w\(writer)-a\(index)@1.0.0", "document/shared@\(writer).\(index).0"]
            }
        }
        let stored = try await host.listAll().map(\.id)
        #expect(stored.count == expected.count)
        #expect(Set(stored).count == stored.count, "an asset is listed twice")
        #expect(Set(stored) == Set(expected))
        for writer in 0..<Self.writers {
            let tagged = try await host.call("search", SearchQuery(tag: "writer-\(writer)"), as: AssetListView.self).assets
            #expect(tagged.count == Self.addsPerWriter)
        }
        let latest = try await host.call("get", AssetQuery(type: "document", name: "shared"), as: AssetView.self)
        #expect(latest.version == "\(Self.writers - 1).\(Self.addsPerWriter - 1).0")
        let health = try #require(try await host.registry.info(host.id).health)
        #expect(health.detail == "\(expected.count) assets, 0 packages")
    }

    @Test func concurrentDuplicateAddsAdmitExactlyOnePerAsset() async throws {
        let host = try await CatalogHost.start()
        // Every writer tries to add the same assets in the same order, so they collide on each one.
        let winners = try await withThrowingTaskGroup(of: [(name: String, content: String)].self) { group in
            for writer in 0..<Self.writers {
                group.addTask {
                    var won: [(name: String, content: String)] = []
                    for index in 0..<Self.addsPerWriter {
                        let asset = NewAsset(name: "contested-\(index)", content: "writer \(writer)")
                        if let error = try await host.failure("add", asset) {
                            expectMethodFailure(error, status: "CONFLICT", mentions: ["document/\(asset.name)@1.0.0", "already exists"])
                        } else {
                            won.append((asset.name, asset.content))
                        }
                    }
                    return won
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let expected = (0..<Self.addsPerWriter).map { "contested-\($0)" }.sorted()
        #expect(winners.map(\.name).sorted() == expected, "each asset must be added by exactly one writer")
        #expect(try await host.listAll().map(\.name).sorted() == expected)
        // What is stored is what the one successful writer sent.
        for winner in winners {
            let stored = try await host.call("get", AssetQuery(type: "document", name: winner.name), as: AssetView.self)
            #expect(stored.content == winner.content)
        }
    }
}
