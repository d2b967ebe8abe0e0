import Foundation
import HyperMeshAudit
import HyperMeshExtensions
import HyperMeshManifest
import HyperMeshSecurity
import HyperMeshTestSupport
import Testing

/// An extension that floods the host API is rate limited, then suspended until an operator
/// resumes it; the suspension outlives the host process; the others keep answering.
@Suite struct FloodTests {
    func start(_ host: SecurityHost) async throws -> ExtensionRegistry {
        try host.stageHostile(manifest: ["capabilities": ["storage"], "quotas": ["operationsPerSecond": 50]])
        try host.stageBystander()
        var policy = TestPolicy.grantingEverythingDeclared
        policy.extensions[SecurityHost.hostileID] = PolicyRule(violations: ViolationSettings(windowSeconds: 60, threshold: 20))
        let registry = try await host.start(policy: policy)
        try await registry.activate(SecurityHost.hostileID)
        try await registry.activate(SecurityHost.bystanderID)
        return registry
    }

    @Test func aFloodIsRateLimitedThenSuspended() async throws {
        let host = SecurityHost()
        let registry = try await start(host)
        let result = try await registry.callText(SecurityHost.hostileID, "flood", "5000")
        // The bucket admits its burst of 50 (and the few tokens that come back while the loop
        // runs), refuses the rest: 21 refusals pass the threshold of 20 and suspend the extension,
        // after which every host call is refused as unavailable (7).
        let counts = try #require(try JSONSerialization.jsonObject(with: Data(result.utf8)) as? [String: Int])
        #expect((50..<100).contains(counts["ok"] ?? 0), "\(result)")
        #expect(counts["refused"] == 5000 - (counts["ok"] ?? 0))
        #expect(counts["last"] == 7, "\(result)")
        // Refused at once, before the registry has taken the lifecycle step.
        let refused = try #require(await registry.failure(SecurityHost.hostileID, "echo", "x"))
        #expect(refused.code == .notActive || refused.code == .suspended, "\(refused)")
        #expect(await registry.waitUntil(SecurityHost.hostileID) { $0.isSuspended })
        #expect(try await registry.callText(SecurityHost.bystanderID, "echo", "fine") == "fine")

        let suspensions = try host.auditRecords(of: SecurityHost.hostileID, kinds: [.suspension])
        #expect(suspensions.count == 1)
        #expect(suspensions.first?.message.contains("'rate_limited' violations") == true)
        #expect(try host.auditRecords(of: SecurityHost.hostileID, kinds: [.violation]).count == 21)
        await registry.shutdown()
    }

    @Test func aSuspensionOutlivesTheHostUntilResumed() async throws {
        let host = SecurityHost()
        let first = try await start(host)
        _ = try await first.callText(SecurityHost.hostileID, "flood", "5000")
        #expect(await first.waitUntil(SecurityHost.hostileID) { $0.isSuspended })
        await first.shutdown()

        let second = try await host.start(policy: TestPolicy.grantingEverythingDeclared)
        let error = await #expect(throws: ExtensionError.self) { try await second.activate(SecurityHost.hostileID) }
        #expect(error?.code == .suspended)
        #expect(error?.message.contains("hypermesh ext resume org.tests.hostile") == true)
        #expect(try await second.info(SecurityHost.hostileID).suspension != nil)

        try await second.resume(SecurityHost.hostileID)
        try await second.activate(SecurityHost.hostileID)
        #expect(try await second.callText(SecurityHost.hostileID, "echo", "back") == "back")
        #expect(try host.auditRecords(of: SecurityHost.hostileID, kinds: [.resume]).count == 1)
        await second.shutdown()
    }

    @Test func callsPastTheRateAreRefusedWithATypedError() async throws {
        let host = SecurityHost()
        let registry = try await start(host)
        // 200 calls at once: more than the 50 the bucket holds, however slowly this machine runs
        // each call (calls one after the other may never pass 50 per second on a starved machine).
        let failures = await withTaskGroup(of: ExtensionError?.self) { group in
            for _ in 0..<200 { group.addTask { await registry.failure(SecurityHost.hostileID, "echo", "x") } }
            var failures: [ExtensionError] = []
            for await failure in group { if let failure { failures.append(failure) } }
            return failures
        }
        #expect(failures.contains { $0.code == .rateLimited }, "\(failures.map(\.code))")
        await registry.shutdown()
    }
}
