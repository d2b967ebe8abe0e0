import Foundation
import HyperMeshAudit
import HyperMeshExtensions
import HyperMeshSecurity
import HyperMeshTestSupport
import Testing

/// The registry supervises isolated extensions: a worker that ends is restarted after the backoff
/// delay, and a crash loop stops restarts and suspends the extension, each step in the audit log.
@Suite struct WorkerSupervisionTests {
    static let id = IsolatedExtensionTests.id
    /// Short delays so a test sees several restarts quickly.
    static let quick = SupervisionPolicy(maxFailures: 3, window: .seconds(120), backoff: RestartBackoff(initial: .milliseconds(20), factor: 2, maximum: .milliseconds(200)))

    @Test func aCrashedWorkerIsRestartedAfterTheBackoffDelay() async throws {
        let host = SecurityHost()
        try IsolatedExtensionTests.stage(host)
        let registry = try await host.start(supervision: Self.quick)
        try await registry.activate(Self.id)
        let error = try #require(await registry.failure(Self.id, "crash", ""))
        #expect(error.code == .workerCrashed)
        #expect(await Self.waitForRestarts(registry, 1))
        #expect(try await registry.callText(Self.id, "echo", "back") == "back")
        let info = try await registry.info(Self.id)
        #expect(info.recentWorkerFailures == 1)
        let messages = try host.auditRecords(of: Self.id).map(\.message)
        #expect(messages.contains { $0.contains("isolated worker ended") && $0.contains("crash") })
        #expect(messages.contains { $0.hasPrefix("restart in 20 ms") })
        #expect(messages.contains { $0.contains("restarted after a worker failure") })
        await registry.shutdown()
    }

    /// A worker killed while idle is first noticed by a health check (`ext inspect`): the
    /// extension is reported unhealthy, becomes `failed` with the cause, and is restarted.
    @Test func aWorkerThatDiesWhileIdleIsNoticedByItsHealthCheckAndRestarted() async throws {
        let host = SecurityHost()
        try IsolatedExtensionTests.stage(host)
        let registry = try await host.start(supervision: Self.quick)
        try await registry.activate(Self.id)
        let pid = try #require(Int32(try await registry.callText(Self.id, "pid", "")))
        #expect(kill(pid, SIGKILL) == 0)
        try await Task.sleep(for: .milliseconds(100))
        let health = try #require(try await registry.info(Self.id).health)
        #expect(health.status == .unhealthy)
        #expect(health.detail?.contains("isolation.worker_crashed") == true, "\(health)")
        #expect(await Self.waitForRestarts(registry, 1))
        #expect(try await registry.callText(Self.id, "echo", "back") == "back")
        #expect(try host.auditRecords(of: Self.id).contains { $0.message.contains("isolated worker ended") && $0.message.contains("health") })
        await registry.shutdown()
    }

    @Test func aCrashLoopStopsRestartsAndSuspendsUntilTheOperatorResumes() async throws {
        let host = SecurityHost()
        try IsolatedExtensionTests.stage(host)
        try host.stageBystander()
        let registry = try await host.start(supervision: Self.quick)
        try await registry.activate(Self.id)
        try await registry.activate(SecurityHost.bystanderID)
        for restart in 1...2 {
            _ = await registry.failure(Self.id, "crash", "")
            #expect(await Self.waitForRestarts(registry, restart), "restart \(restart)")
        }
        _ = await registry.failure(Self.id, "crash", "")
        #expect(await registry.waitUntil(Self.id) { $0.isSuspended })
        let state = try await registry.state(of: Self.id)
        #expect(state.description.contains("crash loop: 3 worker failures"), "\(state)")
        // No restart sneaks in after the suspension.
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await registry.state(of: Self.id).isSuspended)
        #expect(try await registry.callText(SecurityHost.bystanderID, "put", #"{"key":"k","value":"v"}"#) == "{}")
        let records = try host.auditRecords(of: Self.id)
        #expect(records.contains { $0.message == "restarts stopped by the crash-loop breaker" })
        #expect(records.contains { $0.kind == .suspension && $0.message.contains("crash loop") })
        // The operator resumes: back to failed with the last cause, then activate starts a worker.
        try await registry.resume(Self.id)
        #expect(try await registry.state(of: Self.id).isFailed)
        try await registry.activate(Self.id)
        #expect(try await registry.callText(Self.id, "echo", "after resume") == "after resume")
        #expect(try await registry.info(Self.id).recentWorkerFailures == 0, "resuming starts the count over")
        await registry.shutdown()
    }

    @Test func anOperatorActingDuringTheBackoffWins() async throws {
        let host = SecurityHost()
        try IsolatedExtensionTests.stage(host)
        let slow = SupervisionPolicy(backoff: RestartBackoff(initial: .milliseconds(400)))
        let registry = try await host.start(supervision: slow)
        try await registry.activate(Self.id)
        _ = await registry.failure(Self.id, "crash", "")
        #expect(await registry.waitUntil(Self.id) { $0.isFailed })
        try await registry.suspend(Self.id, reason: "operator: investigating")
        try await Task.sleep(for: .milliseconds(700))
        #expect(try await registry.state(of: Self.id) == .suspended(reason: "operator: investigating"))
        #expect(try await registry.info(Self.id).workerRestarts == 0)
        await registry.shutdown()
    }

    @Test func withoutRestartsAFailedWorkerStaysFailed() async throws {
        let host = SecurityHost()
        try IsolatedExtensionTests.stage(host)
        let registry = try await host.start(supervision: .noRestarts)
        try await registry.activate(Self.id)
        _ = await registry.failure(Self.id, "crash", "")
        #expect(await registry.waitUntil(Self.id) { $0.isFailed })
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await registry.state(of: Self.id).isFailed)
        await registry.shutdown()
    }

    @Test func theOperatorsPolicyFileSetsTheSupervision() async throws {
        let host = SecurityHost()
        try IsolatedExtensionTests.stage(host)
        var policy = TestPolicy.grantingEverythingDeclared
        policy.supervision = try PolicyFile.decode(Data(#"{"supervision": {"maxFailures": 1}}"#.utf8)).supervision
        let registry = try await host.start(policy: policy, supervision: nil)
        #expect(await registry.supervision.maxFailures == 1)
        try await registry.activate(Self.id)
        _ = await registry.failure(Self.id, "crash", "")
        #expect(await registry.waitUntil(Self.id) { $0.isSuspended }, "one failure is a crash loop under this policy")
        await registry.shutdown()
    }

    /// A restart that cannot start a worker (the library is gone) is one more failure: the breaker
    /// still opens, and each failed restart is in the audit log with its cause.
    @Test func restartsThatFailCountTowardTheCrashLoop() async throws {
        let host = SecurityHost()
        try IsolatedExtensionTests.stage(host)
        let directory = host.extensionsDirectory.appendingPathComponent(Self.id)
        let registry = try await host.start(supervision: Self.quick)
        try await registry.activate(Self.id)
        try FileManager.default.removeItem(at: directory.appendingPathComponent("libisolated.so"))
        _ = await registry.failure(Self.id, "crash", "")
        #expect(await registry.waitUntil(Self.id) { $0.isSuspended })
        let records = try host.auditRecords(of: Self.id)
        let failedRestarts = records.filter { $0.message.hasPrefix("restart failed:") }
        #expect(failedRestarts.count == 2, "\(records.map(\.message))")
        // The library is checked (and copied) before a worker starts, so the cause names it.
        #expect(failedRestarts.allSatisfy { $0.message.contains("cannot read the payload libisolated.so") && $0.details["code"] == "load.dlopen_failed" },
                "\(failedRestarts.map(\.message)) \(failedRestarts.map(\.details))")
        #expect(records.contains { $0.message == "restarts stopped by the crash-loop breaker" })
        #expect(try await registry.info(Self.id).workerRestarts == 0)
        await registry.shutdown()
    }

    static func waitForRestarts(_ registry: ExtensionRegistry, _ count: Int) async -> Bool {
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline {
            if let info = try? await registry.info(id), info.workerRestarts >= count, info.state == .active { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}
