import Foundation
import Testing

/// `ext inspect` says what holds the CPU share quota (`cpuPercent`): admission in-process, the
/// cgroup cpu controller for an isolated worker (or that it is unavailable, and why), in text and
/// JSON, with the count of throttled calls.
@Suite struct InspectCPUShareTests {
    @Test func anInProcessShareIsHeldByAdmissionAndItsThrottledCallsAreShown() async throws {
        let cli = CLIHarness()
        try cli.stageFixture(id: "org.tests.shared", manifest: ["quotas": ["cpuPercent": 25]])
        let text = await cli.run(["ext", "inspect", "org.tests.shared", "--activate"])
        #expect(text.exitCode == 0, "\(text.err)")
        let row = try #require(text.out.split(separator: "\n").first { $0.contains("cpuPercent") }, "\(text.out)")
        #expect(row.contains("25") && row.contains("enforced") && row.contains("admission:"), "\(row)")
        #expect(text.out.contains("CPU share:    0 call(s) throttled"), "\(text.out)")

        let json = try await cli.run(["ext", "inspect", "org.tests.shared", "--activate", "--json"]).out.jsonObject()
        let quotas = try #require(json["quotas"] as? [[String: Any]])
        let share = try #require(quotas.first { $0["quota"] as? String == "cpuPercent" })
        #expect(share["declared"] as? Int == 25)
        #expect((share["mechanism"] as? String)?.hasPrefix("admission") == true, "\(share)")
        let security = try #require(json["security"] as? [String: Any])
        #expect(security["cpuShareThrottledCalls"] as? Int == 0)
    }

    @Test func anIsolatedShareIsHeldByTheCgroupOrReportedUnavailable() async throws {
        let cli = CLIHarness()
        try cli.stageFixture(id: "org.tests.isolated-share", manifest: ["isolation": "process", "quotas": ["cpuPercent": 25]])
        let json = try await cli.run(["ext", "inspect", "org.tests.isolated-share", "--activate", "--json"]).out.jsonObject()
        let confinement = try #require(json["confinement"] as? [String])
        let step = try #require(confinement.first { $0.hasPrefix("cgroup.cpu:") } ?? confinement.first { $0.hasPrefix("cgroup:") }, "\(confinement)")
        let quotas = try #require(json["quotas"] as? [[String: Any]])
        let share = try #require(quotas.first { $0["quota"] as? String == "cpuPercent" })
        let mechanism = try #require(share["mechanism"] as? String)
        if step.hasPrefix("cgroup.cpu: applied") {
            #expect(mechanism.hasPrefix("cgroup cpu controller"), "\(mechanism)")
            #expect(share["level"] as? String == "enforced")
        } else {
            #expect(mechanism.hasPrefix("unavailable: "), "\(mechanism); the worker said \(step)")
            #expect(share["level"] as? String == "not enforced")
        }
        let text = await cli.run(["ext", "inspect", "org.tests.isolated-share", "--activate"])
        #expect(text.out.split(separator: "\n").contains { $0.contains("cpuPercent") && ($0.contains("cgroup cpu controller") || $0.contains("unavailable: ")) },
                "\(text.out)")
    }
}
