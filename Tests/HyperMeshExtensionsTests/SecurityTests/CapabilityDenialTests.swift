import HyperMeshAudit
import HyperMeshExtensions
import HyperMeshManifest
import HyperMeshSecurity
import HyperMeshTestSupport
import Testing

/// A host function whose capability was not granted is refused, audited and counted, and the
/// host and the other extensions go on.
@Suite struct CapabilityDenialTests {
    @Test func aCapabilityRefusedByThePolicyIsDeniedAuditedAndCounted() async throws {
        let host = SecurityHost()
        try host.stageHostile(manifest: ["capabilities": ["storage", "events"]])
        try host.stageBystander()
        var policy = SecurityPolicy()
        policy.allow([.events], for: SecurityHost.hostileID)
        policy.deny([.storage], for: SecurityHost.hostileID)
        policy.allow([.storage], for: SecurityHost.bystanderID)
        let registry = try await host.start(policy: policy)
        try await registry.activate(SecurityHost.hostileID)
        try await registry.activate(SecurityHost.bystanderID)

        let error = try #require(await registry.failure(SecurityHost.hostileID, "put", #"{"key":"k","value":"v"}"#))
        #expect(error.code == .methodFailed)
        #expect(error.message.hasSuffix("PERMISSION_DENIED"))
        #expect(error.cause?.contains("the operator's policy refuses org.tests.hostile the 'storage' capability") == true, "\(error)")

        let denials = try host.auditRecords(of: SecurityHost.hostileID, kinds: [.denial])
        #expect(denials.count == 1)
        #expect(denials.first?.details["capability"] == "storage")
        #expect(try await registry.info(SecurityHost.hostileID).hostDenials == 1)
        #expect(try await registry.info(SecurityHost.hostileID).security?.violations["capability_denied"] == 1)
        #expect(try await registry.callText(SecurityHost.bystanderID, "put", #"{"key":"k","value":"v"}"#) == "{}")
        await registry.shutdown()
    }

    @Test func anUndeclaredCapabilityIsNeverGrantedWhateverThePolicy() async throws {
        let host = SecurityHost()
        try host.stageHostile(manifest: ["capabilities": ["events"]])
        let registry = try await host.start(policy: TestPolicy.grantingEverythingDeclared)
        try await registry.activate(SecurityHost.hostileID)
        let error = try #require(await registry.failure(SecurityHost.hostileID, "file_read", "notes.txt"))
        #expect(error.cause?.contains("'fileSystemAccess'") == true, "\(error)")
        #expect(error.cause?.contains("declare it in extension.json") == true, "\(error)")
        await registry.shutdown()
    }

    @Test func anExtensionWithUndecidedCapabilitiesIsNotActivatedUntilGranted() async throws {
        let host = SecurityHost()
        try host.stageHostile(manifest: ["capabilities": ["storage", "networkAccess"]])
        var policy = SecurityPolicy()
        policy.allow([.storage], for: SecurityHost.hostileID)
        let registry = try await host.start(policy: policy)
        await #expect(throws: ExtensionError.self) { try await registry.activate(SecurityHost.hostileID) }
        let error = await #expect(throws: ExtensionError.self) { try await registry.activate(SecurityHost.hostileID) }
        #expect(error?.code == .grantPending)
        #expect(error?.message.contains("hypermesh ext grant org.tests.hostile networkAccess") == true)
        #expect(try await registry.state(of: SecurityHost.hostileID) == .verified)

        let grant = try await registry.grant([.networkAccess], to: SecurityHost.hostileID)
        #expect(grant.granted == [.storage, .networkAccess])
        try await registry.activate(SecurityHost.hostileID)
        #expect(try await registry.state(of: SecurityHost.hostileID) == .active)
        #expect(try host.auditRecords(of: SecurityHost.hostileID, kinds: [.grant]).count == 1)
        await registry.shutdown()
    }

    @Test func refusingACapabilitySettlesTheGrantWithoutGrantingIt() async throws {
        let host = SecurityHost()
        try host.stageHostile(manifest: ["capabilities": ["storage", "networkAccess"]])
        var policy = SecurityPolicy()
        policy.allow([.storage], for: SecurityHost.hostileID)
        policy.deny([.networkAccess], for: SecurityHost.hostileID)
        let registry = try await host.start(policy: policy)
        try await registry.activate(SecurityHost.hostileID)
        let error = try #require(await registry.failure(SecurityHost.hostileID, "http", #"{"url":"http://127.0.0.1:9/"}"#))
        #expect(error.message.hasSuffix("PERMISSION_DENIED"))
        await registry.shutdown()
    }
}
