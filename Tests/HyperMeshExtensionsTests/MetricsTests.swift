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
        #expect(metrics.counters(label: "hypermesh_extension_errors_total", dimensions: dimensions).map(\.totalValue).reduce(0, +) == 2)
        #expect(try metrics.expectTimer("hypermesh_extension_call_duration_seconds", dimensions).values.count == 4)
        #expect(try metrics.expectCounter("hypermesh_host_denials_total", dimensions).totalValue == 1)
        let health = try #require(try await registry.info("org.tests.metered").health)
        #expect(health.observedCalls == 4)
        #expect(health.observedErrorRate == 0.5)
    }

    @Test("A failed call is counted under its error code: hypermesh_extension_errors_total{extension,code}")
    func errorsCarryTheirCode() async throws {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.coded")
        let metrics = TestMetrics()
        let registry = ExtensionRegistry(stateStore: try StateStore(directory: host.stateDirectory), policy: TestPolicy.grantingEverythingDeclared, metricsFactory: metrics)
        await registry.registerAll(ExtensionDiscovery.discover(in: [host.extensionsDirectory], verifier: TestTrust.allowingUnsigned))
        try await registry.activate("org.tests.coded")
        var code: String?
        do {
            _ = try await registry.callText("org.tests.coded", "fail")
        } catch {
            code = error.codeRawValue
        }
        let failureCode = try #require(code, "the failing call must throw")
        _ = try await registry.callText("org.tests.coded", "echo", "fine")
        let errors = metrics.counters(label: "hypermesh_extension_errors_total", dimensions: [("extension", "org.tests.coded")])
        #expect(errors.count == 1)
        #expect(errors.first?.dimensions.map(\.0) == ["extension", "code"])
        #expect(try metrics.expectCounter("hypermesh_extension_errors_total", [("extension", "org.tests.coded"), ("code", failureCode)]).totalValue == 1)
        #expect(try metrics.expectCounter("hypermesh_extension_calls_total", [("extension", "org.tests.coded")]).totalValue == 2)
    }

    @Test("Unregistering an extension removes its series from the backend; another extension's stay")
    func unregisteringRemovesTheSeries() async throws {
        let host = FixtureHost()
        try host.stageFixture(id: "org.tests.leaving", manifest: ["capabilities": ["storage"]])
        try host.stageFixture(id: "org.tests.staying")
        let metrics = TestMetrics()
        let registry = ExtensionRegistry(stateStore: try StateStore(directory: host.stateDirectory), policy: TestPolicy.grantingEverythingDeclared, metricsFactory: metrics)
        await registry.registerAll(ExtensionDiscovery.discover(in: [host.extensionsDirectory], verifier: TestTrust.allowingUnsigned))
        for id in ["org.tests.leaving", "org.tests.staying"] {
            try await registry.activate(id)
            _ = try await registry.callText(id, "echo", "x")
            _ = try? await registry.callText(id, "fail")
        }
        _ = try await registry.callText("org.tests.leaving", "put", #"{"key":"k","value":"v"}"#)
        let leaving = [("extension", "org.tests.leaving")]
        #expect(try metrics.expectCounter("hypermesh_host_calls_total", leaving).totalValue >= 1)
        #expect(!metrics.counters(label: "hypermesh_extension_errors_total", dimensions: leaving).isEmpty)
        #expect(try metrics.expectTimer("hypermesh_extension_call_duration_seconds", leaving).values.count == 3)

        _ = try await registry.unregister("org.tests.leaving")

        func series(of id: String) -> Int {
            let labelled = { (dimensions: [(String, String)]) in dimensions.contains { name, value in name == "extension" && value == id } }
            return metrics.counters.filter { labelled($0.dimensions) }.count + metrics.timers.filter { labelled($0.dimensions) }.count
                + metrics.recorders.filter { labelled($0.dimensions) }.count + metrics.meters.filter { labelled($0.dimensions) }.count
        }
        #expect(series(of: "org.tests.leaving") == 0)
        #expect(throws: (any Error).self) { try metrics.expectCounter("hypermesh_extension_calls_total", leaving) }
        #expect(try metrics.expectCounter("hypermesh_extension_calls_total", [("extension", "org.tests.staying")]).totalValue == 2)
        #expect(series(of: "org.tests.staying") >= 4, "calls, errors, latency, host calls and denials stay")
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
