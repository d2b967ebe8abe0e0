import Foundation
import Testing
@testable import HyperMeshRollout

@Suite("Health gate")
struct HealthGateTests {
    let gate = HealthGate()

    @Test("the defaults are a 30 s window, 5% errors from 20 calls on, no violation")
    func defaults() throws {
        #expect(gate == HealthGate(windowSeconds: 30, maxErrorRate: 0.05, minimumCalls: 20, maxViolations: 0))
        #expect(try JSONDecoder().decode(HealthGate.self, from: Data("{}".utf8)) == gate)
        #expect(try JSONDecoder().decode(HealthGate.self, from: Data(#"{"windowSeconds":2}"#.utf8)).windowSeconds == 2)
    }

    @Test("a failing health check is unhealthy and names the node and the detail")
    func failingCheck() {
        let p = RolloutFixtures.progress("n3", .active, healthy: false, detail: "probe timed out", activeSince: 0)
        #expect(gate.verdict(for: p) == .unhealthy(reason: "node n3: health check failing: probe timed out"))
    }

    @Test("the error rate counts only from the minimum number of calls")
    func errorRate() {
        let few = RolloutFixtures.progress("n1", .active, calls: 19, errors: 19, activeSince: 0)
        #expect(gate.verdict(for: few) == .healthy)
        let many = RolloutFixtures.progress("n1", .active, calls: 50, errors: 6, activeSince: 0)
        #expect(many.errorRate == 0.12)
        #expect(gate.verdict(for: many) == .unhealthy(reason: "node n1: error rate 12% over 50 calls exceeds 5%"))
        let fine = RolloutFixtures.progress("n1", .active, calls: 100, errors: 5, activeSince: 0)
        #expect(gate.verdict(for: fine) == .healthy)
    }

    @Test("violations beyond the maximum are unhealthy")
    func violations() {
        let p = RolloutFixtures.progress("n2", .active, violations: 3, activeSince: 0)
        #expect(gate.verdict(for: p) == .unhealthy(reason: "node n2: 3 violations exceed 0"))
        #expect(HealthGate(maxViolations: 3).verdict(for: p) == .healthy)
    }
}
