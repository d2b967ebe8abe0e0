import HyperMeshExtensions
import HyperMeshState
import Testing

/// An asset's name and version are part of its storage key (`asset/<type>/<name>/<version>`),
/// so the Catalog bounds both: every asset it accepts has a key the host's storage accepts, and a
/// field that is too long is refused by the Catalog, naming the field, not by the host's storage.
@Suite struct StorageKeyLimitTests {
    /// The Catalog's documented limits.
    static let longestName = 128
    static let longestVersion = 256

    /// A valid semantic version of exactly `length` characters (a long pre-release identifier).
    static func version(length: Int) -> String {
        "1.0.0-" + String(repeating: "r", count: length - 6)
    }

    @Test func theLongestNameAndVersionFitTheHostKeyLimit() async throws {
        let name = String(repeating: "n", count: Self.longestName)
        let version = Self.version(length: Self.longestVersion)
        let key = "asset/configuration/\(name)/\(version)"
        #expect(key.utf8.count <= ExtensionStorage.maximumKeyLength)

        let host = try await CatalogHost.start()
        let added = try await host.add(NewAsset(type: "configuration", name: name, version: version))
        #expect(added.version == version)
        let fetched = try await host.call("get", AssetQuery(type: "configuration", name: name), as: AssetView.self)
        #expect(fetched.version == version)
    }

    @Test func aVersionLongerThanTheLimitIsRefusedNamingTheField() async throws {
        let host = try await CatalogHost.start()
        // Long enough that its key would exceed the host's limit if it were passed on.
        let version = Self.version(length: ExtensionStorage.maximumKeyLength)
        let error = try await host.failure("add", NewAsset(name: "long", version: version))
        expectMethodFailure(error, status: "INVALID_ARGUMENT", mentions: ["'version'", "\(Self.longestVersion)"])
        let justOver = try await host.failure("add", NewAsset(name: "long", version: Self.version(length: Self.longestVersion + 1)))
        expectMethodFailure(justOver, status: "INVALID_ARGUMENT", mentions: ["'version'", "\(Self.longestVersion)"])
        #expect(try await host.listAll().isEmpty)
    }

    @Test func aPackageVersionLongerThanTheLimitIsRefused() async throws {
        let host = try await CatalogHost.start()
        let release = ReleaseRequest(name: "pkg", version: Self.version(length: Self.longestVersion + 1),
                                     assets: [NewAsset(name: "a")])
        expectMethodFailure(try await host.failure("install", release), status: "INVALID_ARGUMENT", mentions: ["'version'"])
        #expect(try await host.packages().isEmpty)
    }
}
