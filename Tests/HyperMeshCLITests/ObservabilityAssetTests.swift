import Foundation
@testable import HyperMeshCLI
@testable import HyperMeshNode
import HyperMeshExtensions
import HyperMeshSecurity
import HyperMeshTestSupport
import HyperMeshTrust
import Testing

/// The operator's observability assets (docs/metrics.md) against what a node really exports: the
/// alert rules pass `promtool check rules`; a node's `/metrics` text, with native, WebAssembly and
/// isolated extensions that have been called, failed, refused and crashed, passes `promtool check
/// metrics` with help text on every family; and every metric the Grafana dashboard and the rules
/// name is in it.
///
/// The text is the node's own exposition (`NodeMetrics.exposition`, what `GET /metrics` serves),
/// rendered in-process over a host session opened as `hypermesh serve` opens it.
@Suite struct ObservabilityAssetTests {
    static let docs = ExtensionBuilder.repositoryRoot.appendingPathComponent("docs")
    static let rules = docs.appendingPathComponent("prometheus/hypermesh-alerts.yml")
    static let dashboard = docs.appendingPathComponent("grafana/hypermesh-node.json")

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// `promtool` on the PATH (installed by scripts/bootstrap.sh).
    static func promtool() throws -> String {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let path = "\(folder)/promtool"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw Failure(description: "promtool is not installed: run scripts/bootstrap.sh")
    }

    /// Runs promtool with `arguments`, standard input from `input` (else /dev/null); its exit status
    /// (nil if a signal ended it) and what it printed.
    static func runPromtool(_ arguments: [String], input: URL? = nil) throws -> (status: Int32?, output: String) {
        let output = ExtensionBuilder.temporaryDirectory().appendingPathComponent("promtool.out")
        try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
        let command = ["/bin/sh", "-c", #"tool="$1"; input="$2"; shift 2; exec "$tool" "$@" < "$input""#, "sh",
                       try promtool(), input?.path ?? "/dev/null"] + arguments
        let status = try ChildProcess.run(command, outputPath: output.path)
        return (ChildProcess.exitStatus(status), (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }

    /// The `hypermesh_…` names an asset uses, histogram series names (`_bucket`, `_sum`, `_count`)
    /// taken back to their family.
    static func metricNames(in text: String) -> Set<String> {
        let histograms = Set(MetricFamily.all.filter { $0.kind == .histogram }.map(\.name))
        var names = Set<String>()
        for match in text.matches(of: /hypermesh_[a-z0-9_]+/) {
            var name = String(match.output)
            for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
                let family = String(name.dropLast(suffix.count))
                if histograms.contains(family) { name = family }
            }
            names.insert(name)
        }
        return names
    }

    /// The families of an exposition: name → (type, help text).
    static func families(in exposition: String) -> [String: (type: String, help: String?)] {
        var families: [String: (type: String, help: String?)] = [:]
        var help: [String: String] = [:]
        for line in exposition.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 4, parts[0] == "#" else { continue }
            if parts[1] == "HELP" { help[parts[2]] = parts[3] }
            if parts[1] == "TYPE" { families[parts[2]] = (parts[3], nil) }
        }
        for (name, family) in families { families[name] = (family.type, help[name]) }
        return families
    }

    @Test("promtool check rules accepts the alert rules")
    func alertRulesPassPromtool() throws {
        let result = try Self.runPromtool(["check", "rules", Self.rules.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("SUCCESS"), "\(result.output)")
    }

    @Test("The dashboard is a Grafana dashboard: a title, a uid, a schema version, and panels that each query Prometheus")
    func dashboardIsADashboard() throws {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.dashboard))
        let dashboard = try #require(object as? [String: Any])
        #expect(dashboard["title"] as? String == "HyperMesh node")
        #expect(dashboard["uid"] as? String == "hypermesh-node")
        #expect(dashboard["schemaVersion"] as? Int != nil)
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        #expect(!panels.isEmpty)
        var ids = Set<Int>()
        for panel in panels {
            let id = try #require(panel["id"] as? Int)
            #expect(ids.insert(id).inserted, "panel id \(id) twice")
            #expect(panel["type"] as? String != nil)
            #expect((panel["gridPos"] as? [String: Any])?["w"] as? Int != nil)
            let targets = try #require(panel["targets"] as? [[String: Any]], "\(String(describing: panel["title"]))")
            #expect(!targets.isEmpty)
            #expect(targets.allSatisfy { ($0["expr"] as? String)?.contains("hypermesh_") == true })
        }
    }

    @Test("docs/metrics.md documents every family the host exports")
    func everyFamilyIsDocumented() throws {
        let text = try String(contentsOf: Self.docs.appendingPathComponent("metrics.md"), encoding: .utf8)
        for family in MetricFamily.all {
            #expect(text.contains("| `\(family.name)` |"), "\(family.name) is not in docs/metrics.md")
            #expect(text.contains(family.help), "the help of \(family.name) differs from docs/metrics.md")
        }
        // Counters end with _total; a gauge or histogram names its unit (`_seconds`, `_bytes`,
        // `_records`, or what it counts, `hypermesh_extensions_active`).
        for family in MetricFamily.all {
            if family.kind == .counter {
                #expect(family.name.hasSuffix("_total"), "\(family.name)")
            } else {
                #expect(family.name.contains("_\(family.unit)"), "\(family.name) does not name its unit \(family.unit)")
            }
        }
    }

    @Test("The memory series of a wasm extension that is no longer loaded leaves the scrape")
    func wasmMemorySeriesAreRemoved() {
        let metrics = NodeMetrics()
        metrics.updateWasmMemory(["org.tests.a": 65536, "org.tests.b": 131072])
        var text = metrics.registry.emitToString()
        #expect(text.contains(#"hypermesh_wasm_memory_bytes{extension="org.tests.a"} 65536"#), "\(text)")
        #expect(text.contains(#"hypermesh_wasm_memory_bytes{extension="org.tests.b"} 131072"#), "\(text)")
        metrics.updateWasmMemory(["org.tests.b": 196608])
        text = metrics.registry.emitToString()
        #expect(!text.contains(#"extension="org.tests.a""#), "\(text)")
        #expect(text.contains(#"hypermesh_wasm_memory_bytes{extension="org.tests.b"} 196608"#), "\(text)")
        metrics.updateWasmMemory([:])
        #expect(!metrics.registry.emitToString().contains("hypermesh_wasm_memory_bytes"))
    }

    /// Stages `Tests/Fixtures/c/isolated_extension.c` as an isolated package, signed, granted storage.
    static func stageIsolated(_ cli: CLIHarness, id: String) throws {
        let library = cli.root.appendingPathComponent("build/isolated.so")
        try FileManager.default.createDirectory(at: library.deletingLastPathComponent(), withIntermediateDirectories: true)
        try ExtensionBuilder.buildC(source: ExtensionBuilder.repositoryRoot.appendingPathComponent("Tests/Fixtures/c/isolated_extension.c"),
                                    output: library, warningsAsErrors: false)
        let manifest: [String: Any] = [
            "id": id, "name": "Isolated", "version": "1.0.0", "kind": "native", "entry": "libisolated.so",
            "abi": ["min": 1, "max": 1], "category": "testing", "capabilities": ["storage"], "isolation": "process",
            "quotas": ["cpuMillisecondsPerCall": 1000, "fileDescriptors": 32],
        ]
        let package = try PackageStager.stage(manifest: manifest, payload: library, entryName: "libisolated.so",
                                              into: cli.extensions.appendingPathComponent(id))
        let ca = try CLIHarness.developmentCA.get()
        try ca.sign(packageAt: package)
        try TrustStore.addRoot(ca.root, to: cli.trustStore)
        var policy = try PolicyFile.load(from: cli.policyFile)
        policy.allow([.storage], for: id)
        try PolicyFile.save(policy, to: cli.policyFile)
    }

    @Test("A node's /metrics passes promtool check metrics, every family has help, and it holds every metric of the dashboard and the rules",
          .timeLimit(.minutes(5)))
    func aScrapeHoldsEveryFamilyTheAssetsUse() async throws {
        let cli = CLIHarness()
        // Native, with a CPU share; granted events only, so a storage call is refused (a violation).
        try cli.stageFixture(id: "org.tests.native", manifest: ["capabilities": ["events"], "quotas": ["cpuPercent": 50]])
        let wasmID = try WasmCommandTests.stage(cli, example: "wasm-hello-c", payload: WasmGuestBuilder.buildExample(
            named: "wasm-hello-c", output: cli.root.appendingPathComponent("build/hello.wasm")))
        let isolatedID = "org.hypermesh.tests.isolated"  // the id the fixture library declares
        try Self.stageIsolated(cli, id: isolatedID)

        let options = try HostOptions.parse(["--path", cli.extensions.path, "--state-dir", cli.state.path])
        let metrics = NodeMetrics()
        let session = try await HostSession.open(options, metricsFactory: metrics.factory)
        let runtime = NodeRuntime(session: session, options: options)
        let active = await runtime.activateAll()
        #expect(Set(active).isSuperset(of: ["org.tests.native", wasmID, isolatedID]), "\(active) \(session.problems)")
        let registry = session.registry
        _ = try await registry.call("org.tests.native", method: "echo", input: Array("x".utf8))
        _ = try? await registry.call("org.tests.native", method: "fail", input: [])
        _ = try? await registry.call("org.tests.native", method: "put", input: Array(#"{"key":"k","value":"v"}"#.utf8))
        _ = try await registry.call(wasmID, method: "echo", input: Array("x".utf8))
        _ = try await registry.call(isolatedID, method: "echo", input: Array("x".utf8))
        _ = try? await registry.call(isolatedID, method: "crash", input: [])
        // The registry hears of the worker's end on its own; wait for the count.
        var exposition = await metrics.exposition(runtime)
        let deadline = ContinuousClock.now + .seconds(60)
        while !exposition.contains("hypermesh_worker_failures_total{"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            exposition = await metrics.exposition(runtime)
        }
        await session.host.shutdown()

        let scrape = cli.root.appendingPathComponent("metrics.txt")
        try exposition.write(to: scrape, atomically: true, encoding: .utf8)
        let checked = try Self.runPromtool(["check", "metrics"], input: scrape)
        #expect(checked.status == 0, "\(checked.output)\n\(exposition)")
        #expect(checked.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "promtool reports problems:\n\(checked.output)")

        let families = Self.families(in: exposition)
        for (name, family) in families {
            #expect(family.help?.isEmpty == false, "\(name) has no help text")
            #expect(MetricFamily.named(name) != nil, "\(name) is not in the catalog (MetricFamily.all) nor in docs/metrics.md")
        }
        for family in MetricFamily.all {
            #expect(families[family.name]?.type == family.kind.rawValue, "\(family.name) is not in the scrape as a \(family.kind):\n\(exposition)")
            #expect(families[family.name]?.help == family.help)
        }
        let used = Self.metricNames(in: try String(contentsOf: Self.dashboard, encoding: .utf8))
            .union(Self.metricNames(in: try String(contentsOf: Self.rules, encoding: .utf8)))
        #expect(used.count >= 10)
        for name in used.sorted() {
            #expect(families[name] != nil, "\(name), used by the dashboard or the rules, is not in the scrape")
        }
        // The error counter carries the code of the failure.
        #expect(exposition.contains(#"hypermesh_extension_errors_total{extension="org.tests.native",code=""#), "\(exposition)")
    }
}
