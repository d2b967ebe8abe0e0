import Foundation
import Testing
@testable import HyperMeshRollout

@Suite("Fleet simulator", .timeLimit(.minutes(5)))
struct FleetSimulatorTests {
    /// The converge-fast scenario: a 2 s gate window, waves 1,10,50,100, every other figure default.
    static func fast(nodes: Int, seed: UInt64 = 1) -> FleetSimulationConfig {
        var config = FleetSimulationConfig()
        config.nodes = nodes
        config.gate = HealthGate(windowSeconds: 2)
        config.seed = seed
        return config
    }

    @Test("1,000 nodes converge on a 10 MB package within 20 s with the registry serving at most 5 copies")
    func thousandNodesConverge() throws {
        let report = try FleetSimulator.run(Self.fast(nodes: 1_000))
        #expect(report.finalPhase == .complete)
        #expect(report.nodesActiveOnNew == 1_000)
        let converged = try #require(report.convergenceSeconds)
        #expect(converged <= 20)
        #expect(report.registryCopies <= 5)
        #expect(report.registryCopies >= 1)
        #expect(try #require(report.prefetchCompleteSeconds) < converged)
        // Four waves each hold for the 2 s window: convergence cannot beat 3 windows.
        #expect(converged >= 6)
        #expect(report.peakNodeUploadBytes < 1_000 * 10_000_000 / 10)  // no node serves a tenth of the fleet
    }

    @Test("a bad version (5% of nodes unhealthy) is rolled back everywhere within 5 s of the first unhealthy report")
    func badVersionRollsBack() throws {
        var config = Self.fast(nodes: 1_000)
        config.failures.badVersionFailureRate = 0.05
        let report = try FleetSimulator.run(config)
        #expect(report.finalPhase == .rolledBack)
        #expect(report.reason?.contains("health check failing: simulated fault") == true)
        #expect(report.nodesActiveOnNew == 0 && report.nodesActiveOnOld == 1_000)
        let first = try #require(report.firstUnhealthyReportSeconds)
        #expect(try #require(report.rollbackSeconds) <= 5)
        #expect(try #require(report.convergenceSeconds) >= first)
    }

    @Test("the same seed gives an identical report; another seed gives another run")
    func deterministic() throws {
        var config = Self.fast(nodes: 300, seed: 42)
        config.failures = FleetFailures(crash: CrashFailure(count: 5, at: 0.4), badVersionFailureRate: 0.02, lyingPeers: 3)
        let a = try FleetSimulator.run(config)
        let b = try FleetSimulator.run(config)
        #expect(a == b)
        config.seed = 43
        let c = try FleetSimulator.run(config)
        #expect(a != c)
    }

    @Test("crashed nodes drop out when their leases expire, their transfers fail over, and the rest converge")
    func crash() throws {
        var config = Self.fast(nodes: 300)
        // At 0.8 s the package is spreading: transfers from and to the crashed nodes fail.
        config.failures.crash = CrashFailure(count: 20, at: 0.8)
        let report = try FleetSimulator.run(config)
        #expect(report.failedTransfers > 0)
        #expect(report.finalPhase == .complete)
        #expect(report.liveNodes == 280)
        #expect(report.nodesActiveOnNew == 280)
        #expect(report.convergenceSeconds != nil)
    }

    @Test("nodes cut off from etcd and their peers catch up after the partition heals")
    func partition() throws {
        var config = Self.fast(nodes: 300)
        config.failures.partition = PartitionFailure(fraction: 0.1, from: 0.2, until: 12)
        let report = try FleetSimulator.run(config)
        #expect(report.finalPhase == .complete)
        #expect(report.nodesActiveOnNew == 300)
        #expect(try #require(report.convergenceSeconds) >= 12)
    }

    @Test("during a registry outage the fleet converges from the one node that has the package")
    func registryOutageWithOneCopy() throws {
        var config = Self.fast(nodes: 300)
        config.preloadedNodes = 1
        config.failures.registryOutage = TimeWindow(from: 0, until: 1_000)
        let report = try FleetSimulator.run(config)
        #expect(report.finalPhase == .complete)
        #expect(report.nodesActiveOnNew == 300)
        #expect(report.registryBytesServed == 0)
    }

    @Test("a registry outage with no copy anywhere fails the prefetch and rolls the rollout back")
    func registryOutageWithoutCopy() throws {
        var config = Self.fast(nodes: 50)
        config.failures.registryOutage = TimeWindow(from: 0, until: 1_000)
        let report = try FleetSimulator.run(config)
        #expect(report.finalPhase == .rolledBack)
        #expect(report.reason?.contains("prefetch failed: registry fetch failed 5 times") == true)
        #expect(report.nodesActiveOnNew == 0)
        #expect(report.failedTransfers >= 5)
    }

    @Test("lying peers are caught by digest and avoided, and the fleet still converges")
    func lyingPeers() throws {
        var config = Self.fast(nodes: 300)
        config.failures.lyingPeers = 10
        let report = try FleetSimulator.run(config)
        #expect(report.finalPhase == .complete)
        #expect(report.nodesActiveOnNew == 300)
        #expect(report.lyingPeersDetected >= 1 && report.lyingPeersDetected <= 10)
        #expect(report.corruptTransfers >= report.lyingPeersDetected)
    }

    @Test("an invalid configuration is refused with rollout.simulation_invalid")
    func invalidConfig() {
        var config = FleetSimulationConfig()
        config.nodes = 0
        let error = #expect(throws: RolloutError.self) { try FleetSimulator.run(config) }
        #expect(error?.code == .simulationInvalid)
        config.nodes = 10
        config.failures.partition = PartitionFailure(fraction: 0.5, from: 5, until: 1)
        #expect(throws: RolloutError.self) { try FleetSimulator.run(config) }
        config.failures.partition = nil
        config.registryBandwidth = 0
        #expect(throws: RolloutError.self) { try FleetSimulator.run(config) }
    }

    /// A run must end in a final phase with every live node on one version: the new one after
    /// `complete`, the previous one after a rollback.
    static func expectConverged(_ report: FleetSimulationReport, _ comment: Comment) {
        #expect(report.finalPhase.isFinal, comment)
        #expect(report.convergenceSeconds != nil, comment)
        if report.finalPhase == .complete {
            #expect(report.nodesActiveOnNew == report.liveNodes, comment)
        } else {
            #expect(report.nodesActiveOnNew == 0, comment)
        }
    }

    /// Regression seeds: a seed that ever leaves a run unconverged is added here with the failure
    /// mix that exposed it. Sweeps of 300 seeds of the mix below (200 nodes) and 200 seeds of
    /// ``FleetSimulationConfig/failureMix(seed:)`` found none so far; these seeds cover both
    /// outcomes (even seeds carry a bad version).
    static let regressionSeeds: [UInt64] = [1, 2, 3, 4, 5, 6, 7, 8]

    @Test("regression seeds converge with mixed failures", arguments: regressionSeeds)
    func regressionSeed(seed: UInt64) throws {
        var config = Self.fast(nodes: 200, seed: seed)
        config.failures = FleetFailures(crash: CrashFailure(count: 10, at: 0.5),
                                        partition: PartitionFailure(fraction: 0.05, from: 0.3, until: 6),
                                        registryOutage: TimeWindow(from: 0.25, until: 0.6),
                                        badVersionFailureRate: seed % 2 == 0 ? 0.05 : 0, lyingPeers: 4)
        Self.expectConverged(try FleetSimulator.run(config), "seed \(seed)")
    }

    /// Failure-mix seeds chosen for what they exercise: 1 (rollback after failed transfers and
    /// lying peers), 4 and 6 (long partitions, completes after 20 s), 22 and 23 (registry outage:
    /// a node's fetch fails five times, the rollout rolls back).
    @Test("failure-mix seeds converge", arguments: [1, 4, 6, 22, 23] as [UInt64])
    func failureMixSeed(seed: UInt64) throws {
        let config = FleetSimulationConfig.failureMix(seed: seed)
        #expect(config == FleetSimulationConfig.failureMix(seed: seed))
        Self.expectConverged(try FleetSimulator.run(config), "failure mix \(seed)")
    }

    @Test("the report round-trips through JSON")
    func reportCodable() throws {
        let report = try FleetSimulator.run(Self.fast(nodes: 20))
        let data = try JSONEncoder().encode(report)
        #expect(try JSONDecoder().decode(FleetSimulationReport.self, from: data) == report)
    }
}
