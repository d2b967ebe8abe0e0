// The peer benchmark guests (Benchmarks/guests/peers.wat) through this host, interpreted and
// compiled, printed as the peers' benchmarks print theirs: "RESULT <runtime> <metric> <value>" or,
// for the limit tests, "RESULT <runtime> <metric> <outcome> <ms>". Benchmarks/peers.sh runs it
// right after ../shared/peers/run.sh and prints one table.
//
//     swift run -c release PeerGuests <peers.wasm>
//
// What is measured, per engine (runtime "hypermesh-interpreted" and "hypermesh-compiled"):
//   activate_ms          discover + register + activate of the package (compiled: the first
//                        activation compiles the module, then starts the worker)
//   activate_cached_ms   deactivate + activate again (compiled: from the library cache)
//   noop_ns              ExtensionHandle.call("noop") on the active extension, per call: the
//                        whole call path (admission, gate, metrics; interpreted: fuel, WasmKit;
//                        compiled: the worker round trip)
//   after_trap_ns        the first no-op call after a call that trapped (median of 200; the trap
//                        itself is not timed): what a fresh instance costs its first caller
//   fib27_ms, sum100m_ms one call each, median of 5 (interpreted: always fuel-metered)
//   alloc                memory.grow by 256 MiB with a 512 MiB memory quota: grew / trap
//   alloc_limit64m       the same with a 64 MiB memory quota: stopped (wasm.memory_limit) or grew
//   spin_quota100ms      spin with a 100 ms CPU quota per call: stopped (interpreted: fuel;
//                        compiled: the worker's deadline, 10 × the quota, at least 1 s)
import Foundation
import HyperMeshExtensions
import HyperMeshManifest
import HyperMeshSecurity
import HyperMeshState
import HyperMeshTestSupport
import Logging

@main
struct PeerGuests {
    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 2 else {
            FileHandle.standardError.write(Data("usage: PeerGuests <peers.wasm>\n".utf8))
            exit(2)
        }
        let module = URL(fileURLWithPath: arguments[1])
        for engine in ["interpreted", "compiled"] {
            try await measure(engine: engine, module: module)
        }
    }

    static func result(_ runtime: String, _ metric: String, _ value: String) {
        print("RESULT \(runtime) \(metric) \(value)")
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15
    }

    static func measure(engine: String, module: URL) async throws {
        let runtime = "hypermesh-\(engine)"
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("peer-guests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let packages = root.appendingPathComponent("extensions")
        let variants: [(id: String, quotas: [String: Any])] = [
            ("org.bench.peers", ["cpuMillisecondsPerCall": 60_000, "memoryBytes": 512 << 20]),
            ("org.bench.peers.limit", ["cpuMillisecondsPerCall": 60_000, "memoryBytes": 64 << 20]),
            ("org.bench.peers.spin", ["cpuMillisecondsPerCall": 100]),
        ]
        for variant in variants {
            let manifest: [String: Any] = [
                "id": variant.id, "name": "Peer guests", "version": "1.0.0", "kind": "wasm", "entry": "peers.wasm",
                "abi": ["min": 1, "max": 1], "category": "testing", "engine": engine, "quotas": variant.quotas,
            ]
            try PackageStager.stage(manifest: manifest, payload: module, entryName: "peers.wasm",
                                    into: packages.appendingPathComponent(variant.id))
        }
        let clock = ContinuousClock()
        // No rate limit: the no-op loop calls far more than the default 100,000 per second.
        var policy = TestPolicy.grantingEverythingDeclared
        policy.defaults.quotas = Quotas(operationsPerSecond: .max)
        // The after-trap loop traps 200 times: each is a violation, which would suspend the extension.
        policy.defaults.violations = ViolationSettings(windowSeconds: 1, threshold: 1_000_000)
        let registry = ExtensionRegistry(stateStore: try StateStore(directory: root.appendingPathComponent("state")),
                                         policy: policy,
                                         logger: Logger(label: "peers", factory: { _ in SwiftLogNoOpLogHandler() }),
                                         supervision: SupervisionPolicy(restarts: false))
        let started = clock.now
        let problems = await registry.registerAll(ExtensionDiscovery.discover(in: [packages], verifier: TestTrust.allowingUnsigned))
        guard problems.isEmpty else { throw PeerGuestsFailure(description: "packages did not register: \(problems)") }
        let id = variants[0].id
        try await registry.activate(id)
        result(runtime, "activate_ms", String(format: "%.1f", milliseconds(started.duration(to: clock.now))))
        if let reason = try await registry.info(id).wasm?.engine?.reason, !reason.hasPrefix(engine) {
            FileHandle.standardError.write(Data("PeerGuests: \(runtime) runs \(reason)\n".utf8))
        }
        let again = clock.now
        try await registry.deactivate(id)
        try await registry.activate(id)
        result(runtime, "activate_cached_ms", String(format: "%.1f", milliseconds(again.duration(to: clock.now))))

        let handle = try await registry.handle(for: id)
        let none: [UInt8] = []
        for _ in 0..<1_000 { _ = try handle.call(method: "noop", input: none) }
        // About one second of calls, whatever the engine.
        var calls = 1_000
        var elapsed = Duration.zero
        while elapsed < .milliseconds(500) {
            calls *= 2
            let start = clock.now
            for _ in 0..<calls { _ = try handle.call(method: "noop", input: none) }
            elapsed = start.duration(to: clock.now)
        }
        result(runtime, "noop_ns", String(format: "%.1f", milliseconds(elapsed) * 1e6 / Double(calls)))
        result(runtime, "noop_calls", "\(calls)")

        var afterTrap: [Double] = []
        for _ in 0..<200 {
            _ = try? handle.call(method: "trap", input: none)
            let start = clock.now
            _ = try handle.call(method: "noop", input: none)
            afterTrap.append(milliseconds(start.duration(to: clock.now)) * 1e6)
        }
        result(runtime, "after_trap_ns", String(format: "%.1f", afterTrap.sorted()[afterTrap.count / 2]))

        for method in ["fib27", "sum100m"] {
            var samples: [Double] = []
            for _ in 0..<5 {
                let start = clock.now
                _ = try handle.call(method: method, input: none)
                samples.append(milliseconds(start.duration(to: clock.now)))
            }
            result(runtime, "\(method)_ms", String(format: "%.2f", samples.sorted()[2]))
        }

        for (metric, variant) in [("alloc", variants[0].id), ("alloc_limit64m", variants[1].id)] {
            try? await registry.activate(variant)
            let target = try await registry.handle(for: variant)
            let start = clock.now
            let outcome: String
            do {
                _ = try target.call(method: "alloc", input: none)
                outcome = "grew"
            } catch {
                outcome = error.code == .wasmMemoryLimit ? "stopped" : "error:\(error.code.rawValue)"
            }
            result(runtime, metric, "\(outcome) \(String(format: "%.1f", milliseconds(start.duration(to: clock.now))))")
            if variant != id { _ = try? await registry.deactivate(variant) }
        }

        try await registry.activate(variants[2].id)
        let spinner = try await registry.handle(for: variants[2].id)
        let start = clock.now
        let outcome: String
        do {
            _ = try spinner.call(method: "spin", input: none)
            outcome = "NOT-stopped"
        } catch {
            outcome = "stopped"
        }
        result(runtime, "spin_quota100ms", "\(outcome) \(String(format: "%.1f", milliseconds(start.duration(to: clock.now))))")
        await registry.shutdown()
    }
}

struct PeerGuestsFailure: Error, CustomStringConvertible {
    var description: String
}
