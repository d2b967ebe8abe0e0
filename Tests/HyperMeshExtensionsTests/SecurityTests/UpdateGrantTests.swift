import HyperMeshAudit
import HyperMeshExtensions
import HyperMeshManifest
import HyperMeshSecurity
import HyperMeshTestSupport
import Testing

/// An update that declares a new capability waits for the operator; the old version keeps serving.
@Suite struct UpdateGrantTests {
    @Test func anUpdateAskingForANewCapabilityWaitsForAGrant() async throws {
        let host = SecurityHost()
        try host.stageHostile(version: "1.0.0", manifest: ["capabilities": ["storage"]])
        var policy = SecurityPolicy()
        policy.allow([.storage], for: SecurityHost.hostileID)
        let registry = try await host.start(policy: policy)
        try await registry.activate(SecurityHost.hostileID)

        let updateHost = SecurityHost()
        try updateHost.stageHostile(version: "2.0.0", manifest: ["capabilities": ["storage", "networkAccess"]])
        let discovered = await ExtensionDiscovery.discover(in: [updateHost.extensionsDirectory], verifier: TestTrust.allowingUnsigned)
        let package = try #require(discovered.packages.first)

        let refused = await #expect(throws: ExtensionError.self) { try await registry.update(to: package) }
        #expect(refused?.code == .grantPending)
        #expect(refused?.message.contains("version 1.0.0 keeps running") == true)
        #expect(try await registry.info(SecurityHost.hostileID).manifest.version == SemanticVersion(1, 0, 0))
        #expect(try await registry.callText(SecurityHost.hostileID, "echo", "still here") == "still here")
        #expect(try host.auditRecords(of: SecurityHost.hostileID, kinds: [.grant]).last?.details["pending"] == "networkAccess")

        try await registry.grant([.networkAccess], to: SecurityHost.hostileID)
        try await registry.update(to: package)
        let info = try await registry.info(SecurityHost.hostileID)
        #expect(info.manifest.version == SemanticVersion(2, 0, 0))
        #expect(info.state == .active)
        #expect(Set(info.grantedCapabilities) == [.storage, .networkAccess])
        await registry.shutdown()
    }
}
