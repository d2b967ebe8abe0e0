import HyperMeshAudit
import HyperMeshExtensions
import Testing

/// A write that would pass the storage quota is refused whole: nothing of it is stored.
@Suite struct StorageQuotaTests {
    func start(quota: Int) async throws -> (SecurityHost, ExtensionRegistry) {
        let host = SecurityHost()
        try host.stageHostile(manifest: ["capabilities": ["storage", "fileSystemAccess"], "quotas": ["storageBytes": quota]])
        try host.stageBystander()
        let registry = try await host.start()
        try await registry.activate(SecurityHost.hostileID)
        try await registry.activate(SecurityHost.bystanderID)
        return (host, registry)
    }

    @Test func aPutPastTheQuotaIsRefusedAndAudited() async throws {
        let (host, registry) = try await start(quota: 64)
        #expect(try await registry.callText(SecurityHost.hostileID, "put", #"{"key":"small","value":"0123456789"}"#) == "{}")
        let big = String(repeating: "x", count: 100)
        let error = try #require(await registry.failure(SecurityHost.hostileID, "put", #"{"key":"big","value":"\#(big)"}"#))
        #expect(error.message.hasSuffix("QUOTA_EXCEEDED"))
        #expect(error.cause?.contains("over the quota of 64 bytes") == true, "\(error)")
        #expect(try host.auditRecords(of: SecurityHost.hostileID, kinds: [.violation]).first?.details["violation"] == "storage_quota")
        #expect(try await registry.callText(SecurityHost.bystanderID, "put", #"{"key":"big","value":"\#(big)"}"#) == "{}")
        await registry.shutdown()
    }

    @Test func aBatchThatWouldPassTheQuotaStoresNothingOfIt() async throws {
        let (_, registry) = try await start(quota: 64)
        let batch = #"[{"op":"put","key":"a","value":"0123456789"},{"op":"put","key":"b","value":"\#(String(repeating: "y", count: 80))"}]"#
        let error = try #require(await registry.failure(SecurityHost.hostileID, "apply", batch))
        #expect(error.message.hasSuffix("QUOTA_EXCEEDED"))
        // The first write of the batch fits on its own, and was not kept either.
        let batchA = #"[{"op":"put","key":"a","value":"0123456789"}]"#
        #expect(try await registry.callText(SecurityHost.hostileID, "apply", batchA) == "{}")
        await registry.shutdown()
    }

    @Test func filesCountAgainstTheSameQuota() async throws {
        let (_, registry) = try await start(quota: 64)
        #expect(try await registry.callText(SecurityHost.hostileID, "file_write", #"{"path":"a.txt","data":"\#(String(repeating: "z", count: 50))"}"#) == "{}")
        let error = try #require(await registry.failure(SecurityHost.hostileID, "put", #"{"key":"k","value":"\#(String(repeating: "w", count: 30))"}"#))
        #expect(error.message.hasSuffix("QUOTA_EXCEEDED"))
        let fileError = try #require(await registry.failure(SecurityHost.hostileID, "file_write", #"{"path":"b.txt","data":"\#(String(repeating: "z", count: 30))"}"#))
        #expect(fileError.message.hasSuffix("QUOTA_EXCEEDED"))
        await registry.shutdown()
    }

    @Test func shrinkingIsAlwaysAllowed() async throws {
        let (_, registry) = try await start(quota: 64)
        #expect(try await registry.callText(SecurityHost.hostileID, "put", #"{"key":"k","value":"\#(String(repeating: "v", count: 50))"}"#) == "{}")
        #expect(try await registry.callText(SecurityHost.hostileID, "put", #"{"key":"k","value":"short"}"#) == "{}")
        await registry.shutdown()
    }
}
