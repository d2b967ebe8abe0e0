import HyperMeshAudit
import HyperMeshExtensions
import HyperMeshManifest
import HyperMeshSecurity
import HyperMeshTestSupport
import Testing

/// CPU per call is measured with the thread CPU clock: over the quota is a violation after the
/// call; a total quota refuses calls once spent; a spike past the baseline triggers the policy's
/// anomaly action.
@Suite struct CPUAndAnomalyTests {
    @Test func aCallOverItsCPUQuotaIsAViolationAfterTheFact() async throws {
        let host = SecurityHost()
        try host.stageHostile(manifest: ["quotas": ["cpuMillisecondsPerCall": 5]])
        let registry = try await host.start()
        try await registry.activate(SecurityHost.hostileID)
        #expect(try await registry.callText(SecurityHost.hostileID, "spin", "40") == "{}")
        let violation = try #require(try host.auditRecords(of: SecurityHost.hostileID, kinds: [.violation]).first)
        #expect(violation.details["violation"] == "cpu_per_call")
        #expect(Int(violation.details["cpu_ms"] ?? "") ?? 0 >= 40)
        #expect(try await registry.info(SecurityHost.hostileID).security?.cpuMillisecondsUsed ?? 0 >= 40)
        await registry.shutdown()
    }

    @Test func aSpentTotalCPUQuotaRefusesFurtherCalls() async throws {
        let host = SecurityHost()
        try host.stageHostile(manifest: ["quotas": ["cpuMillisecondsTotal": 20]])
        let registry = try await host.start()
        try await registry.activate(SecurityHost.hostileID)
        _ = try await registry.callText(SecurityHost.hostileID, "spin", "30")
        let error = try #require(await registry.failure(SecurityHost.hostileID, "echo", "x"))
        #expect(error.code == .quotaExceeded, "\(error)")
        #expect(try host.auditRecords(of: SecurityHost.hostileID, kinds: [.violation]).contains { $0.details["violation"] == "cpu_total" })
        await registry.shutdown()
    }

    @Test func aCPUSpikeTriggersTheAnomalyActionOfThePolicy() async throws {
        let host = SecurityHost()
        try host.stageHostile()
        var policy = TestPolicy.grantingEverythingDeclared
        policy.extensions[SecurityHost.hostileID] = PolicyRule(
            anomaly: AnomalySettings(deviations: 4, warmupSamples: 8, minimumCPUMicroseconds: 1_000, action: .suspend))
        let registry = try await host.start(policy: policy)
        try await registry.activate(SecurityHost.hostileID)
        var events = registry.events.subscribe().makeAsyncIterator()
        for _ in 0..<10 { _ = try await registry.callText(SecurityHost.hostileID, "spin", "2") }
        #expect(try await registry.info(SecurityHost.hostileID).security?.lastAnomaly == nil)
        _ = try await registry.callText(SecurityHost.hostileID, "spin", "80")

        #expect(await registry.waitUntil(SecurityHost.hostileID) { $0.isSuspended })
        let anomaly = try #require(try host.auditRecords(of: SecurityHost.hostileID, kinds: [.anomaly]).first)
        #expect(anomaly.message.contains("cpu_per_call spike"))
        #expect(anomaly.details["action"] == "suspend")
        let event = await events.next()
        #expect(event?.topic == "hypermesh.security.anomaly")
        await registry.shutdown()
    }

    /// Trains the baseline with short calls, then makes one long call: the spike.
    func spike(_ registry: ExtensionRegistry) async throws {
        for _ in 0..<10 { _ = try await registry.callText(SecurityHost.hostileID, "spin", "2") }
        _ = try await registry.callText(SecurityHost.hostileID, "spin", "80")
    }

    func start(action: AnomalyAction, throttleRate: UInt32 = 10, violations: ViolationSettings? = nil) async throws -> (SecurityHost, ExtensionRegistry) {
        let host = SecurityHost()
        try host.stageHostile()
        var policy = TestPolicy.grantingEverythingDeclared
        policy.extensions[SecurityHost.hostileID] = PolicyRule(
            anomaly: AnomalySettings(deviations: 4, warmupSamples: 8, minimumCPUMicroseconds: 1_000, action: action, throttleRate: throttleRate),
            violations: violations)
        let registry = try await host.start(policy: policy)
        try await registry.activate(SecurityHost.hostileID)
        return (host, registry)
    }

    @Test func theThrottleActionLowersTheCallRate() async throws {
        let (host, registry) = try await start(action: .throttle, throttleRate: 1)
        try await spike(registry)
        var refused: ExtensionError?
        for _ in 0..<5 {
            if let error = await registry.failure(SecurityHost.hostileID, "echo", "x") { refused = error; break }
        }
        #expect(refused?.code == .rateLimited, "\(String(describing: refused))")
        #expect(try host.auditRecords(of: SecurityHost.hostileID, kinds: [.anomaly]).contains { $0.message.contains("throttled to 1") })
        await registry.shutdown()
    }

    @Test func theTerminateActionUnloadsTheExtensionAsFailed() async throws {
        let (_, registry) = try await start(action: .terminate)
        try await spike(registry)
        #expect(await registry.waitUntil(SecurityHost.hostileID) { state in
            if case .failed(let cause) = state { return cause.contains("terminated by the anomaly policy") }
            return false
        })
        await registry.shutdown()
    }

    @Test func theLogActionOnlyRecords() async throws {
        let (host, registry) = try await start(action: .log)
        try await spike(registry)
        #expect(try await registry.state(of: SecurityHost.hostileID) == .active)
        #expect(try await registry.callText(SecurityHost.hostileID, "echo", "x") == "x")
        // A training call may itself spike on a starved machine (a second record): what matters is
        // that every record says "log" and none stopped the extension.
        let anomalies = try host.auditRecords(of: SecurityHost.hostileID, kinds: [.anomaly])
        #expect(!anomalies.isEmpty)
        #expect(anomalies.allSatisfy { $0.details["action"] == "log" }, "\(anomalies.map(\.message))")
        await registry.shutdown()
    }

    @Test("Repeated anomalies under the alert action never suspend, even with a violation threshold of 1: the action is the response")
    func anomaliesUnderAlertNeverSuspend() async throws {
        let (host, registry) = try await start(action: .alert, violations: ViolationSettings(threshold: 1))
        try await spike(registry)
        for _ in 0..<3 { _ = try await registry.callText(SecurityHost.hostileID, "spin", "80") }
        #expect(try await registry.state(of: SecurityHost.hostileID) == .active)
        #expect(try await registry.callText(SecurityHost.hostileID, "echo", "x") == "x")
        // Each one is still a violation on record (audit, totals), only not toward suspension.
        let violations = try host.auditRecords(of: SecurityHost.hostileID, kinds: [.violation]).filter { $0.details["violation"] == "anomaly" }
        #expect(violations.count >= 2, "\(violations.map(\.message))")
        #expect(try await registry.info(SecurityHost.hostileID).security?.violations["anomaly"] ?? 0 >= 2)
        #expect(try host.auditRecords(of: SecurityHost.hostileID, kinds: [.suspension]).isEmpty)
        await registry.shutdown()
    }

    @Test("A policy that sets a threshold for anomalies suspends the extension past it")
    func anAnomalyThresholdOfThePolicySuspends() async throws {
        let (host, registry) = try await start(action: .alert, violations: ViolationSettings(threshold: 20, thresholds: [.anomaly: 1]))
        try await spike(registry)
        _ = try? await registry.callText(SecurityHost.hostileID, "spin", "80")
        #expect(await registry.waitUntil(SecurityHost.hostileID) { $0.isSuspended })
        let suspension = try #require(try host.auditRecords(of: SecurityHost.hostileID, kinds: [.suspension]).first)
        #expect(suspension.message.contains("'anomaly' violations"), "\(suspension.message)")
        await registry.shutdown()
    }
}
