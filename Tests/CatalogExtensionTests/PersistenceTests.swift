import HyperMeshExtensions
import Testing

/// The Catalog keeps everything in the host's storage: after `shutdown()` and a new registry over
/// the same state directory (a host restart), assets, packages and kept releases are all there.
@Suite struct PersistenceTests {
    @Test func assetsSurviveARestart() async throws {
        let first = try await CatalogHost.start()
        try await first.add(NewAsset(name: "kept", version: "1.0.0", tags: ["a"], content: "v1"))
        try await first.add(NewAsset(name: "kept", version: "1.1.0", content: "v1.1"))
        try await first.add(NewAsset(type: "binary", name: "raw", content: "AAEC", encoding: "base64"))
        try await first.add(NewAsset(name: "dropped"))
        try await first.call("remove", AssetQuery(type: "document", name: "dropped", version: "1.0.0"))
        let before = try await first.listAll()

        let second = try await first.restarted()
        #expect(try await second.listAll() == before)
        let latest = try await second.call("get", AssetQuery(type: "document", name: "kept"), as: AssetView.self)
        #expect(latest.content == "v1.1")
        let raw = try await second.call("get", AssetQuery(type: "binary", name: "raw"), as: AssetView.self)
        #expect(raw.content == "AAEC")
        #expect(raw.length == 3)
        // Uniqueness is still enforced against what was stored before the restart.
        expectMethodFailure(try await second.failure("add", NewAsset(name: "kept", version: "1.0.0")), status: "CONFLICT")
    }

    @Test func packagesAndTheirKeptReleaseSurviveARestart() async throws {
        let first = try await CatalogHost.start()
        try await first.call("install", ReleaseRequest(name: "suite", version: "1.0.0", assets: [
            NewAsset(name: "suite-doc", version: "1.0.0", content: "old"),
        ]))
        try await first.call("update", ReleaseRequest(name: "suite", version: "2.0.0", assets: [
            NewAsset(name: "suite-doc", version: "2.0.0", content: "new"),
        ]))
        let packages = try await first.packages()

        let second = try await first.restarted()
        #expect(try await second.packages() == packages)
        #expect(try await second.call("get", AssetQuery(type: "document", name: "suite-doc"), as: AssetView.self).content == "new")

        // The release kept before the restart can be restored after it, and that survives another restart.
        let restored = try await second.call("rollback", PackageName(name: "suite"), as: PackageView.self)
        #expect(restored.version == "1.0.0")
        let third = try await second.restarted()
        #expect(try await third.packages() == [restored])
        #expect(try await third.call("get", AssetQuery(type: "document", name: "suite-doc"), as: AssetView.self).content == "old")
    }

    @Test func aNewStateDirectoryStartsEmpty() async throws {
        let first = try await CatalogHost.start()
        try await first.add(NewAsset(name: "only-here"))
        let other = try await CatalogHost.start()
        #expect(try await other.listAll().isEmpty)
        #expect(try await first.listAll().count == 1)
    }
}
