import HyperMeshExtensions
import Testing

/// Package requests that clash with the library or are malformed are refused and change nothing.
@Suite struct PackageConflictTests {
    static let release = ReleaseRequest(name: "bundle", version: "1.0.0", assets: [
        NewAsset(name: "bundle-readme"), NewAsset(type: "configuration", name: "bundle-settings"),
    ])

    @Test func installingTwiceIsAConflictPointingToUpdate() async throws {
        let host = try await CatalogHost.start()
        try await host.call("install", Self.release)
        var newer = Self.release
        newer.version = "2.0.0"
        expectMethodFailure(try await host.failure("install", newer), status: "CONFLICT",
                            mentions: ["'bundle' is already installed at version 1.0.0", "use update"])
        #expect(try await host.packages().map(\.version) == ["1.0.0"])
    }

    @Test func installingOverAStandaloneAssetIsRefusedAsAWhole() async throws {
        let host = try await CatalogHost.start()
        try await host.add(NewAsset(type: "configuration", name: "bundle-settings", content: "mine"))
        expectMethodFailure(try await host.failure("install", Self.release), status: "CONFLICT",
                            mentions: ["configuration/bundle-settings@1.0.0", "remove it from the library first"])
        // Not even the asset that did not clash was stored.
        #expect(try await host.listAll().map(\.id) == ["configuration/bundle-settings@1.0.0"])
        #expect(try await host.packages().isEmpty)
    }

    @Test func updatingOntoAnotherPackagesAssetIsRefused() async throws {
        let host = try await CatalogHost.start()
        try await host.call("install", Self.release)
        try await host.call("install", ReleaseRequest(name: "other", version: "1.0.0", assets: [NewAsset(name: "shared-doc")]))
        let grab = ReleaseRequest(name: "bundle", version: "1.1.0", assets: [NewAsset(name: "shared-doc")])
        expectMethodFailure(try await host.failure("update", grab), status: "CONFLICT",
                            mentions: ["document/shared-doc@1.0.0", "belongs to package 'other'"])
        #expect(try await host.packages().map(\.version) == ["1.0.0", "1.0.0"])
        #expect(try await host.listAll().count == 3)
    }

    @Test func packageOwnedAssetsCannotBeRemovedDirectly() async throws {
        let host = try await CatalogHost.start()
        try await host.call("install", Self.release)
        let error = try await host.failure("remove", AssetQuery(type: "document", name: "bundle-readme", version: "1.0.0"))
        expectMethodFailure(error, status: "CONFLICT", mentions: ["belongs to package 'bundle'", "update or uninstall"])
        #expect(try await host.listAll().count == 2)
    }

    @Test func packagesThatAreNotInstalledAreNotFound() async throws {
        let host = try await CatalogHost.start()
        for method in ["rollback", "uninstall"] {
            expectMethodFailure(try await host.failure(method, PackageName(name: "ghost")), status: "NOT_FOUND",
                                mentions: ["package 'ghost' is not installed"])
        }
        var update = Self.release
        update.name = "ghost"
        expectMethodFailure(try await host.failure("update", update), status: "NOT_FOUND", mentions: ["'ghost' is not installed"])
    }

    @Test func malformedReleasesNameTheOffendingAsset() async throws {
        let host = try await CatalogHost.start()
        let empty = ReleaseRequest(name: "bundle", version: "1.0.0", assets: [])
        expectMethodFailure(try await host.failure("install", empty), status: "INVALID_ARGUMENT", mentions: ["at least one asset"])

        let twice = ReleaseRequest(name: "bundle", version: "1.0.0", assets: [
            NewAsset(name: "dup", version: "1.0.0"), NewAsset(name: "other"), NewAsset(name: "dup", version: "1.0.0+again"),
        ])
        expectMethodFailure(try await host.failure("install", twice), status: "INVALID_ARGUMENT",
                            mentions: ["assets[0] and assets[2] are the same asset"])

        let badAsset = ReleaseRequest(name: "bundle", version: "1.0.0", assets: [
            NewAsset(name: "fine"), NewAsset(type: "binary", name: "blob", content: "%%%", encoding: "base64"),
        ])
        expectMethodFailure(try await host.failure("install", badAsset), status: "INVALID_ARGUMENT",
                            mentions: ["'assets[1].content'", "Base64"])

        expectMethodFailure(await host.failure("install", #"{"name":"bundle","version":"1.0.0","assets":[{"type":"document","name":"x","version":"1.0.0","content":"c","size":1}]}"#),
                            status: "INVALID_ARGUMENT", mentions: ["'assets[0].size'", "unknown field"])
        expectMethodFailure(try await host.failure("install", ReleaseRequest(name: "bundle", version: "one", assets: [NewAsset(name: "x")])),
                            status: "INVALID_ARGUMENT", mentions: ["'version' is not a semantic version"])
        #expect(try await host.packages().isEmpty)
        #expect(try await host.listAll().isEmpty)
    }
}
