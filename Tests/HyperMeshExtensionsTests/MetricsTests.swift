import Foundation
import HyperMeshExtensions
import HyperMeshTestSupport
import HyperMeshState
import MetricsTestKit
import Testing

/// Per-extension metrics reach the swift-metrics backend the host gives the registry.
@Suite struct MetricsTests {
    @Test func callsErrorsLatencyAndDenialsAreExported() async throws {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.metered", manifest: ["capabilities": ["events"]])
        let metrics = TestMetrics()
        let registry = ExtensionRegistry(stateStore: try StateStore(directory: host.stateDirectory), policy: TestPolicy.grantingEverythingDeclared, metricsFactory: metrics)
        await registry.registerAll(ExtensionDiscovery.discover(in: [host.extensionsDirectory], verifier: TestTrust.allowingUnsigned))
        try await registry.activate("org.tests.metered")
        _ = try await registry.callText("org.tests.metered", "echo", "a")
        _ = try await registry.callText("org.tests.metered", "echo", "b")
        _ = try? await registry.callText("org.tests.metered", "fail")
        _ = try? await registry.callText("org.tests.metered", "put", #"{"key":"k","value":"v"}"#)
        let dimensions = [("extension", "org.tests.metered")]
        #expect(try metrics.expectCounter("hypermesh_extension_calls_total", dimensions).totalValue == 4)
        #expect(try metrics.expectCounter("hypermesh_extension_errors_total", dimensions).totalValue == 2)
        #expect(try metrics.expectTimer("hypermesh_extension_call_duration_seconds", dimensions).values.count == 4)
        #expect(try metrics.expectCounter("hypermesh_host_denials_total", dimensions).totalValue == 1)
        let health = try #require(try await registry.info("org.tests.metered").health)
        #expect(health.observedCalls == 4)
        #expect(health.observedErrorRate == 0.5)
    }

    @Test func healthCombinesReportAndObservation() {
        var snapshot = ExtensionMetrics.Snapshot()
        snapshot.calls = 20
        snapshot.errors = 3
        let degraded = ExtensionHealth(reportedJSON: Array(#"{"status":"healthy"}"#.utf8), metrics: snapshot)
        #expect(degraded.status == .degraded)
        #expect(degraded.reported == .healthy)
        snapshot.errors = 11
        #expect(ExtensionHealth(reportedJSON: nil, metrics: snapshot).status == .unhealthy)
        snapshot.calls = 5
        snapshot.errors = 5
        #expect(ExtensionHealth(reportedJSON: nil, metrics: snapshot).status == .healthy, "too few calls to judge")
        #expect(ExtensionHealth(reportedJSON: Array("not json".utf8), metrics: .init()).status == .unknown)
        #expect(ExtensionHealth(reportedJSON: Array(#"{"status":"unhealthy","detail":"db down"}"#.utf8), metrics: .init()).detail == "db down")
    }
}
