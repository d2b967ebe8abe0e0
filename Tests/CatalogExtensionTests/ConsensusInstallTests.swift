import HyperMeshExtensions
import Testing

/// Package installs need consensus: applied only if all four validators accept.
@Suite struct ConsensusInstallTests {
    static let release = ReleaseRequest(name: "agreed", version: "1.0.0", assets: [
        NewAsset(type: "document", name: "agreed-guide", version: "1.0.0", content: "text"),
    ])

    @Test func anInstallTheValidatorsRejectStoresNothingAndNamesTheProof() async throws {
        let host = try await CatalogHost.start(consensus: TestConsensus.withoutStake)
        expectMethodFailure(try await host.failure("install", Self.release), status: "UNAVAILABLE",
                            mentions: ["consensus rejected catalog.package.install", "stake"])
        #expect(try await host.listAll().isEmpty)
        #expect(try await host.packages().isEmpty)
    }

    @Test func withoutTheCapabilityTheInstallIsDeniedAndNothingIsStored() async throws {
        let host = try await CatalogHost.start(capabilities: ["assetManagement", "events", "storage"])
        expectMethodFailure(try await host.failure("install", Self.release), status: "PERMISSION_DENIED", mentions: ["consensusAccess"])
        #expect(try await host.packages().isEmpty)
        #expect(try await host.registry.info(host.id).hostDenials == 1)
    }

    @Test func aHostWithoutConsensusRefusesInstallsButServesTheRest() async throws {
        let host = try await CatalogHost.start(consensus: nil)
        expectMethodFailure(try await host.failure("install", Self.release), status: "UNAVAILABLE", mentions: ["no consensus service"])
        try await host.call("add", NewAsset(type: "document", name: "loose", version: "1.0.0", content: "x"))
        #expect(try await host.listAll().count == 1)
    }

    @Test func anAcceptedInstallIsApplied() async throws {
        let host = try await CatalogHost.start()
        let installed = try await host.call("install", Self.release, as: PackageView.self)
        #expect(installed.name == "agreed")
    }
}
