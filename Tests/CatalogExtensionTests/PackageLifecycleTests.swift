import HyperMeshExtensions
import Testing

/// `install`, `update`, `rollback`, `uninstall` and `packages` through the host.
@Suite struct PackageLifecycleTests {
    static let firstRelease = ReleaseRequest(name: "toolkit", version: "1.0.0", assets: [
        NewAsset(type: "document", name: "toolkit-guide", version: "1.0.0", content: "guide v1"),
        NewAsset(type: "configuration", name: "toolkit-defaults", version: "1.0.0", content: "a=1"),
    ])
    static let secondRelease = ReleaseRequest(name: "toolkit", version: "1.1.0", assets: [
        NewAsset(type: "document", name: "toolkit-guide", version: "1.1.0", content: "guide v2"),
        NewAsset(type: "wasm-module", name: "toolkit-filter", version: "1.0.0", content: "AGFzbQEAAAA=", encoding: "base64"),
    ])

    @Test func installPutsEveryAssetInTheLibraryOwnedByThePackage() async throws {
        let host = try await CatalogHost.start()
        let installed = try await host.call("install", Self.firstRelease, as: PackageView.self)
        #expect(installed == PackageView(name: "toolkit", version: "1.0.0", previousVersion: nil,
                                         assets: ["configuration/toolkit-defaults@1.0.0", "document/toolkit-guide@1.0.0"]))
        let library = try await host.listAll()
        #expect(library.map(\.id) == ["configuration/toolkit-defaults@1.0.0", "document/toolkit-guide@1.0.0"])
        #expect(library.allSatisfy { $0.package == "toolkit" })
        #expect(try await host.packages() == [installed])
    }

    @Test func updateReplacesTheAssetsAndKeepsThePreviousRelease() async throws {
        let host = try await CatalogHost.start()
        try await host.call("install", Self.firstRelease)
        let updated = try await host.call("update", Self.secondRelease, as: PackageView.self)
        #expect(updated == PackageView(name: "toolkit", version: "1.1.0", previousVersion: "1.0.0",
                                       assets: ["document/toolkit-guide@1.1.0", "wasm-module/toolkit-filter@1.0.0"]))
        // The library holds exactly the new release: the old assets are gone, none is left behind.
        #expect(try await host.listAll().map(\.id) == ["document/toolkit-guide@1.1.0", "wasm-module/toolkit-filter@1.0.0"])
        let guide = try await host.call("get", AssetQuery(type: "document", name: "toolkit-guide"), as: AssetView.self)
        #expect(guide.content == "guide v2")
        #expect(guide.package == "toolkit")
        expectMethodFailure(try await host.failure("get", AssetQuery(type: "configuration", name: "toolkit-defaults")),
                            status: "NOT_FOUND")
        #expect(try await host.packages() == [updated])
    }

    @Test func rollbackRestoresThePreviousReleaseExactlyOnce() async throws {
        let host = try await CatalogHost.start()
        try await host.call("install", Self.firstRelease)
        let before = try await assetsWithContent(on: host)
        try await host.call("update", Self.secondRelease)

        let rolledBack = try await host.call("rollback", PackageName(name: "toolkit"), as: PackageView.self)
        #expect(rolledBack == PackageView(name: "toolkit", version: "1.0.0", previousVersion: nil,
                                          assets: ["configuration/toolkit-defaults@1.0.0", "document/toolkit-guide@1.0.0"]))
        #expect(try await assetsWithContent(on: host) == before)
        #expect(try await host.packages() == [rolledBack])

        // Only the release replaced by the last update is kept, and rolling back consumed it.
        expectMethodFailure(try await host.failure("rollback", PackageName(name: "toolkit")),
                            status: "NOT_FOUND", mentions: ["'toolkit'", "no previous release"])
    }

    @Test func rollbackWithoutAnUpdateIsRefused() async throws {
        let host = try await CatalogHost.start()
        try await host.call("install", Self.firstRelease)
        expectMethodFailure(try await host.failure("rollback", PackageName(name: "toolkit")),
                            status: "NOT_FOUND", mentions: ["no previous release"])
        #expect(try await host.packages().map(\.version) == ["1.0.0"])
    }

    @Test func updateToAVersionThatIsNotNewerIsRefused() async throws {
        let host = try await CatalogHost.start()
        try await host.call("install", Self.firstRelease)
        let before = try await assetsWithContent(on: host)
        // Same version, same precedence with build metadata, older, and a pre-release of the same version.
        for version in ["1.0.0", "1.0.0+b2", "0.9.0", "1.0.0-rc.1"] {
            var release = Self.secondRelease
            release.version = version
            expectMethodFailure(try await host.failure("update", release), status: "CONFLICT",
                                mentions: ["'toolkit'", "must be newer than the installed 1.0.0"])
        }
        #expect(try await assetsWithContent(on: host) == before)
        #expect(try await host.packages().map(\.version) == ["1.0.0"])
    }

    @Test func uninstallRemovesThePackageAndItsAssets() async throws {
        let host = try await CatalogHost.start()
        try await host.add(NewAsset(name: "standalone"))
        try await host.call("install", Self.firstRelease)
        try await host.call("update", Self.secondRelease)
        let result = try await host.call("uninstall", PackageName(name: "toolkit"), as: UninstalledView.self)
        #expect(result.uninstalled == "toolkit")
        #expect(result.version == "1.1.0")
        #expect(try await host.packages().isEmpty)
        #expect(try await host.listAll().map(\.id) == ["document/standalone@1.0.0"])
        // Nothing is left to roll back to, and it can be installed afresh.
        expectMethodFailure(try await host.failure("rollback", PackageName(name: "toolkit")), status: "NOT_FOUND",
                            mentions: ["not installed"])
        #expect(try await host.call("install", Self.firstRelease, as: PackageView.self).previousVersion == nil)
    }

    @Test func packagesListsEveryInstalledPackageByName() async throws {
        let host = try await CatalogHost.start()
        #expect(try await host.packages().isEmpty)
        for name in ["zeta", "alpha", "mid"] {
            try await host.call("install", ReleaseRequest(name: name, version: "1.0.0", assets: [NewAsset(name: "\(name)-doc")]))
        }
        try await host.call("update", ReleaseRequest(name: "mid", version: "2.0.0", assets: [NewAsset(name: "mid-doc", version: "2.0.0")]))
        #expect(try await host.packages() == [
            PackageView(name: "alpha", version: "1.0.0", previousVersion: nil, assets: ["document/alpha-doc@1.0.0"]),
            PackageView(name: "mid", version: "2.0.0", previousVersion: "1.0.0", assets: ["document/mid-doc@2.0.0"]),
            PackageView(name: "zeta", version: "1.0.0", previousVersion: nil, assets: ["document/zeta-doc@1.0.0"]),
        ])
    }

    /// Every asset with its content, in library order.
    private func assetsWithContent(on host: CatalogHost) async throws -> [AssetView] {
        var assets: [AssetView] = []
        for summary in try await host.listAll() {
            assets.append(try await host.call("get", AssetQuery(type: summary.type, name: summary.name, version: summary.version),
                                              as: AssetView.self))
        }
        return assets
    }
}
