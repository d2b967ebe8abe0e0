import ArgumentParser
import Foundation
import HyperMeshRollout

/// `hypermesh fleet simulate`
public struct FleetSimulate: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a rollout on a simulated fleet (the real state machine, wave assignment and peer selection) and report.",
        discussion: """
            A deterministic discrete-event simulation: simulated clock, latency and bandwidth per
            node and for the registry, etcd watch delays, and failures on a schedule. The same seed
            gives the same report. The report: convergence time (rollout written -> every live
            node on the new version, or back on the old one after a rollback), prefetch time,
            registry bytes served and copies, peer bytes, peak upload of one node, time from the
            first unhealthy report to every node rolled back, the final phase, and the events
            processed; plus the wall-clock time the simulation took (not part of the seeded report).

            With --json, stdout holds {"report":{…},"wallSeconds":…}.
            """)

    @Option(help: "Simulated nodes (default 1000).") public var nodes: Int = 1000
    @Option(name: .customLong("package-mb"), help: "Package size in MB (10^6 bytes; default 10).") public var packageMB: Double = 10
    @Option(help: "Zones (peers in the same zone are preferred; default 4).") public var zones: Int = 4
    @Option(help: "The seed (default 1).") public var seed: UInt64 = 1
    @Option(help: ArgumentHelp("The waves (default 1%,10%,50%,100%).", valueName: "shares")) public var waves: String = "1%,10%,50%,100%"
    @Option(name: .customLong("health-window"), help: "Seconds each wave stays healthy before the next (default 2).") public var healthWindow: Double = 2
    @Option(name: .customLong("registry-slots"), help: "Nodes that may pull from the registry at once (default 2).") public var registrySlots: Int = 2
    @Option(name: .customLong("bad-version-rate"), help: "Share of nodes on which the new version fails its health (default 0).") public var badVersionRate: Double = 0
    @Option(name: .customLong("crash"), help: ArgumentHelp("Crash N nodes at T seconds.", valueName: "N@T")) public var crash: String?
    @Option(name: .customLong("partition"), help: ArgumentHelp("Cut a share of nodes off etcd and peers from T1 to T2.", valueName: "SHARE@T1-T2")) public var partition: String?
    @Option(name: .customLong("registry-outage"), help: ArgumentHelp("The registry is down from T1 to T2.", valueName: "T1-T2")) public var registryOutage: String?
    @Option(name: .customLong("preloaded"), help: "Nodes that already hold the package (e.g. for a registry outage; default 0).") public var preloaded: Int = 0
    @Option(name: .customLong("lying-peers"), help: "Peers that serve corrupt bytes (default 0).") public var lyingPeers: Int = 0
    @OptionGroup public var format: OutputOptions

    public init() {}

    struct Output: Codable {
        var report: FleetSimulationReport
        var wallSeconds: Double
    }

    func makeConfiguration() throws -> FleetSimulationConfig {
        var config = FleetSimulationConfig()
        config.nodes = nodes
        config.packageBytes = Int(packageMB * 1_000_000)
        config.zones = zones
        config.seed = seed
        do { config.waves = try WaveShares(parsing: waves) } catch { throw ValidationError("--waves \(waves): \(error.message)") }
        config.gate.windowSeconds = healthWindow
        config.registrySlots = registrySlots
        config.preloadedNodes = preloaded
        config.failures.badVersionFailureRate = badVersionRate
        config.failures.lyingPeers = lyingPeers
        if let crash {
            let parts = crash.split(separator: "@")
            guard parts.count == 2, let count = Int(parts[0]), let at = Double(parts[1]) else { throw ValidationError("--crash takes N@T, not \(crash)") }
            config.failures.crash = CrashFailure(count: count, at: at)
        }
        if let partition {
            let parts = partition.split(separator: "@")
            guard parts.count == 2, let share = Double(parts[0]), let window = Self.window(String(parts[1])) else {
                throw ValidationError("--partition takes SHARE@T1-T2, not \(partition)")
            }
            config.failures.partition = PartitionFailure(fraction: share, from: window.from, until: window.until)
        }
        if let registryOutage {
            guard let window = Self.window(registryOutage) else { throw ValidationError("--registry-outage takes T1-T2, not \(registryOutage)") }
            config.failures.registryOutage = window
        }
        do { try config.validate() } catch { throw ValidationError(error.message) }
        return config
    }

    static func window(_ text: String) -> TimeWindow? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let from = Double(parts[0]), let until = Double(parts[1]), from <= until else { return nil }
        return TimeWindow(from: from, until: until)
    }

    public func run() async throws {
        do {
            let config = try makeConfiguration()
            let clock = ContinuousClock()
            var report: FleetSimulationReport?
            // The simulation is CPU work for seconds: not on the cooperative pool's threads.
            let elapsed = try await clock.measure {
                report = try await Self.simulate(config)
            }
            let parts = elapsed.components
            let output = Output(report: report!, wallSeconds: Double(parts.seconds) + Double(parts.attoseconds) / 1e18)
            if format.json {
                Console.current.out(JSONOutput.string(output))
            } else {
                Self.printText(output, config: config)
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
    }

    static func simulate(_ config: FleetSimulationConfig) async throws -> FleetSimulationReport {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { () throws(RolloutError) in try FleetSimulator.run(config) })
            }
        }
    }

    static func printText(_ output: Output, config: FleetSimulationConfig) {
        let report = output.report
        func seconds(_ value: Double?) -> String { value.map { String(format: "%.2f s", $0) } ?? "never" }
        let console = Console.current
        console.out("simulated \(report.nodes) nodes (\(report.liveNodes) live at the end), \(String(format: "%.1f", Double(config.packageBytes) / 1_000_000)) MB package, seed \(config.seed)")
        console.out("  final phase: \(report.finalPhase)\(report.reason.map { " — \($0)" } ?? "") at \(seconds(report.finalPhaseSeconds))")
        console.out("  prefetch complete: \(seconds(report.prefetchCompleteSeconds)); converged: \(seconds(report.convergenceSeconds))")
        console.out("  registry served \(report.registryBytesServed) bytes (\(String(format: "%.2f", report.registryCopies)) copies); peers \(report.peerBytesServed) bytes; peak node upload \(report.peakNodeUploadBytes) bytes")
        if report.firstUnhealthyReportSeconds != nil {
            console.out("  first unhealthy report at \(seconds(report.firstUnhealthyReportSeconds)); everyone rolled back \(seconds(report.rollbackSeconds)) later")
        }
        console.out("  on new: \(report.nodesActiveOnNew), on old: \(report.nodesActiveOnOld); lying peers detected: \(report.lyingPeersDetected)")
        console.out("  \(report.eventsProcessed) events, \(String(format: "%.2f", report.simulatedSeconds)) s simulated in \(String(format: "%.2f", output.wallSeconds)) s")
    }
}
