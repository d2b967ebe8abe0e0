import HyperMeshAudit
import HyperMeshExtensions
import HyperMeshSecurity
import Testing

/// The `host_calls` record of a serving period counts every host call the broker refused (a
/// capability, a path escape, a host off the allowlist, a quota), not only capability denials;
/// failures of the operation itself (a file that does not exist) are not denials.
@Suite struct HostCallDenialCountTests {
    @Test func theHostCallsRecordCountsEveryKindOfRefusal() async throws {
        let host = SecurityHost()
        try host.stageHostile(manifest: [
            "capabilities": ["storage", "fileSystemAccess", "networkAccess", "consensusAccess"],
            "networkHosts": ["127.0.0.1:1"], "quotas": ["storageBytes": 64],
        ])
        var policy = SecurityPolicy()
        policy.allow([.storage, .fileSystemAccess, .networkAccess], for: SecurityHost.hostileID)
        policy.deny([.consensusAccess], for: SecurityHost.hostileID)
        let registry = try await host.start(policy: policy)
        try await registry.activate(SecurityHost.hostileID)
        let id = SecurityHost.hostileID

        // Refused: a path escape, a host off the allowlist, a capability refused, the storage quota.
        let escape = try #require(await registry.failure(id, "file_read", "../outside.txt"))
        #expect(escape.message.hasSuffix("PERMISSION_DENIED"), "\(escape)")
        let network = try #require(await registry.failure(id, "http", #"{"url":"http://127.0.0.1:9/"}"#))
        #expect(network.message.hasSuffix("PERMISSION_DENIED"), "\(network)")
        let capability = try #require(await registry.failure(id, "consensus", #"{"kind":"k","payload":"p"}"#))
        #expect(capability.message.hasSuffix("PERMISSION_DENIED"), "\(capability)")
        let quota = try #require(await registry.failure(id, "put", #"{"key":"big","value":"\#(String(repeating: "x", count: 100))"}"#))
        #expect(quota.message.hasSuffix("QUOTA_EXCEEDED"), "\(quota)")
        // Not refusals: a call that succeeds, and a file that is not there.
        #expect(try await registry.callText(id, "put", #"{"key":"small","value":"v"}"#) == "{}")
        let missing = try #require(await registry.failure(id, "file_read", "nothing-here.txt"))
        #expect(missing.message.hasSuffix("NOT_FOUND"), "\(missing)")

        #expect(try await registry.info(id).hostDenials == 4)
        try await registry.deactivate(id)
        registry.audit.flush()
        let records = try host.auditRecords(of: id, kinds: [.hostCalls])
        try #require(records.count == 1, "\(records.map(\.message))")
        #expect(records[0].details["denials"] == "4", "\(records[0].details)")
        #expect(records[0].details["calls"] == "6", "\(records[0].details)")
        // Each refusal also has its own record.
        #expect(try host.auditRecords(of: id, kinds: [.denial]).count == 3)
        #expect(try host.auditRecords(of: id, kinds: [.violation]).count == 1)
        await registry.shutdown()
    }
}
