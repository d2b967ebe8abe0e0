import Benchmark
import HyperMeshRollout

// The fleet simulator (the real rollout state machine, wave assignment and peer selection on a
// simulated clock and network), one run per iteration, fixed seeds:
//   - converge_1000_nodes_10MB: a good 10 MB version to 1,000 nodes in 4 zones (waves 1,10,50,100,
//     2 s health window, 2 registry slots, 1 Gbit/s per node and for the registry);
//   - rollback_1000_nodes_5pct_bad: the same with the new version failing health on 5 % of nodes;
//   - converge_10000_nodes_10MB: the first at 10,000 nodes.
// Targets (the simulated figures, checked in setup; a miss fails the run): 1,000 nodes converge in
// ≤ 20 s of simulated time with the registry serving ≤ 5 copies; the bad version is rolled back
// everywhere ≤ 5 s after the first unhealthy report. Measured here: the wall time of one
// simulation (target ≤ 10 s for 1,000 nodes).

struct SimulationMiss: Error, CustomStringConvertible {
    let description: String
}

func configuration(nodes: Int, badRate: Double = 0) -> FleetSimulationConfig {
    var config = FleetSimulationConfig()
    config.nodes = nodes
    config.packageBytes = 10_000_000
    config.gate.windowSeconds = 2
    config.seed = 42
    config.failures.badVersionFailureRate = badRate
    return config
}

/// Runs once and checks the simulated targets; prints the figures BENCHMARKS.md records.
func checked(_ config: FleetSimulationConfig, bad: Bool) throws {
    let report = try FleetSimulator.run(config)
    print("\(config.nodes) nodes\(bad ? ", 5 % bad" : ""): final \(report.finalPhase), converged \(report.convergenceSeconds.map { "\($0)" } ?? "never") s, prefetch \(report.prefetchCompleteSeconds.map { "\($0)" } ?? "never") s, registry copies \(report.registryCopies), peak node upload \(report.peakNodeUploadBytes) B, rollback \(report.rollbackSeconds.map { "\($0)" } ?? "-") s, events \(report.eventsProcessed)")
    if bad {
        guard report.finalPhase == .rolledBack, let rollback = report.rollbackSeconds, rollback <= 5 else {
            throw SimulationMiss(description: "the bad version was not rolled back within 5 s: \(report)")
        }
    } else if config.nodes == 1_000 {
        guard let converged = report.convergenceSeconds, converged <= 20, report.registryCopies <= 5 else {
            throw SimulationMiss(description: "1,000 nodes did not converge within 20 s on ≤ 5 registry copies: \(report)")
        }
    }
}

let benchmarks: @Sendable () -> Void = {
    let settings = Benchmark.Configuration(metrics: [.wallClock, .peakMemoryResident], timeUnits: .milliseconds,
                                           warmupIterations: 1, maxDuration: .seconds(20), maxIterations: 10)
    Benchmark("converge_1000_nodes_10MB", configuration: settings) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try FleetSimulator.run(configuration(nodes: 1_000))) }
    } setup: {
        try checked(configuration(nodes: 1_000), bad: false)
    }
    Benchmark("rollback_1000_nodes_5pct_bad", configuration: settings) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try FleetSimulator.run(configuration(nodes: 1_000, badRate: 0.05))) }
    } setup: {
        try checked(configuration(nodes: 1_000, badRate: 0.05), bad: true)
    }
    Benchmark("converge_10000_nodes_10MB", configuration: .init(metrics: [.wallClock, .peakMemoryResident], timeUnits: .milliseconds,
                                                                 warmupIterations: 0, maxDuration: .seconds(30), maxIterations: 3)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try FleetSimulator.run(configuration(nodes: 10_000))) }
    } setup: {
        try checked(configuration(nodes: 10_000), bad: false)
    }
}
