import HyperMeshExtensions
import Testing

/// An update is one `storage_apply` batch: when the host refuses the batch, the library, the
/// package and its kept release stay exactly as they were, and no event announces a change.
///
/// The refusal is real: the host's state database aborts the transaction at the batch's last write
/// (the package record), after the batch has already deleted and replaced assets inside it (see
/// ``StorageFault``). The Catalog bounds names and versions, so no request of its own can make a
/// key the host rejects.
@Suite struct PackageAtomicityTests {
    static let installed = ReleaseRequest(name: "fragile", version: "1.0.0", assets: [
        NewAsset(name: "fragile-doc", version: "1.0.0", content: "one"),
        NewAsset(type: "configuration", name: "fragile-conf", version: "1.0.0", content: "x=1"),
    ])
    static let updated = ReleaseRequest(name: "fragile", version: "2.0.0", assets: [
        NewAsset(name: "fragile-doc", version: "2.0.0", content: "two"),
        NewAsset(type: "binary", name: "fragile-bin", version: "1.0.0", content: "AQID", encoding: "base64"),
    ])
    static let third = ReleaseRequest(name: "fragile", version: "3.0.0", assets: [
        NewAsset(name: "fragile-doc", version: "3.0.0", content: "three"),
    ])

    @Test func aRefusedUpdateBatchLeavesEverythingAsItWas() async throws {
        let host = try await CatalogHost.start()
        try await host.add(NewAsset(name: "bystander", content: "unrelated"))
        try await host.call("install", Self.installed)
        let before = try await snapshot(of: host)

        let fault = StorageFault(stateDirectory: host.stateDirectory, extensionID: host.id, key: "package/fragile")
        try fault.install()
        let events = host.registry.events.subscribe()
        let error = try await host.failure("update", Self.updated)
        host.registry.events.finish()
        expectMethodFailure(error, status: "UNAVAILABLE", mentions: ["state write failed", StorageFault.reason])

        #expect(try await snapshot(of: host) == before)
        var topics: [String] = []
        for await event in events { topics.append(event.topic) }
        #expect(topics.isEmpty)

        // The same request goes through once the storage accepts writes again.
        try fault.clear()
        let package = try await host.call("update", Self.updated, as: PackageView.self)
        #expect(package.version == "2.0.0")
        #expect(package.previousVersion == "1.0.0")
    }

    @Test func aRefusedRollbackBatchKeepsTheCurrentReleaseAndTheOneToRestore() async throws {
        let host = try await CatalogHost.start()
        try await host.call("install", Self.installed)
        try await host.call("update", Self.updated)
        let before = try await snapshot(of: host)

        let fault = StorageFault(stateDirectory: host.stateDirectory, extensionID: host.id, key: "package/fragile")
        try fault.install()
        expectMethodFailure(try await host.failure("rollback", PackageName(name: "fragile")), status: "UNAVAILABLE",
                            mentions: [StorageFault.reason])
        expectMethodFailure(try await host.failure("update", Self.third), status: "UNAVAILABLE", mentions: [StorageFault.reason])
        #expect(try await snapshot(of: host) == before)

        try fault.clear()
        let restored = try await host.call("rollback", PackageName(name: "fragile"), as: PackageView.self)
        #expect(restored.version == "1.0.0")
        #expect(try await host.call("get", AssetQuery(type: "document", name: "fragile-doc"), as: AssetView.self).content == "one")
    }

    @Test func aRefusedInstallStoresNoneOfItsAssets() async throws {
        let host = try await CatalogHost.start()
        let fault = StorageFault(stateDirectory: host.stateDirectory, extensionID: host.id, key: "package/fragile")
        try fault.install()
        expectMethodFailure(try await host.failure("install", Self.installed), status: "UNAVAILABLE", mentions: [StorageFault.reason])
        #expect(try await host.listAll().isEmpty)
        #expect(try await host.packages().isEmpty)
    }

    /// What a client can observe: every asset with its content, and every package.
    private struct Snapshot: Equatable {
        var assets: [AssetView]
        var packages: [PackageView]
    }

    private func snapshot(of host: CatalogHost) async throws -> Snapshot {
        var assets: [AssetView] = []
        for summary in try await host.listAll() {
            assets.append(try await host.call("get", AssetQuery(type: summary.type, name: summary.name, version: summary.version),
                                              as: AssetView.self))
        }
        return Snapshot(assets: assets, packages: try await host.packages())
    }
}
