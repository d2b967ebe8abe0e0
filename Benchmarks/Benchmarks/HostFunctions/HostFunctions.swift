import Benchmark
import BenchmarkSupport
import Foundation
import HyperMeshExtensions
import HyperMeshManifest
import HyperMeshSecurity
import HyperMeshState
import HyperMeshTestSupport
import HyperMeshWasm

// An application's host function called from a wasm guest against a built-in host function, on
// one guest (Tests/Fixtures/wasm/app_guest.c built with APP_GUEST_BENCH) active in a registry with
// an unthrottled policy granting app:notify and events. Building, staging and activating are setup.
//
//   Host function from wasm (1000 host calls per guest call; figures per guest call, so ns ÷ 1000 per host call):
//     - app.notify("x"): the application's function, answering an empty output;
//     - hypermesh.emit_event("t", "x"): a built-in of the same size (no listener).
//   Both go through the same path: the import, the arguments copied out of guest memory, the one
//   admission (capability, rate, suspension), the body. Report app ÷ built-in (target ≤ 1.2).

let loopInput = Array("1000".utf8)
let appID = "org.bench.app-guest"

/// The registry (kept alive for the benchmark) and the guest's handle.
struct AppGuest: Sendable {
    let registry: ExtensionRegistry
    let handle: ExtensionHandle
}

func startAppGuest() async throws -> AppGuest {
    _ = WasmFuelRate.measured
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("hm-bench-app-\(UUID().uuidString)")
    let module = root.appendingPathComponent("build/app-guest.wasm")
    try FileManager.default.createDirectory(at: module.deletingLastPathComponent(), withIntermediateDirectories: true)
    try WasmGuestBuilder.buildGuestFixture(.appGuest, defines: ["APP_GUEST_BENCH": ""], output: module)
    let extensions = root.appendingPathComponent("extensions")
    let manifest: [String: Any] = [
        "id": appID, "name": "App guest", "version": "1.0.0", "kind": "wasm", "entry": "guest.wasm",
        "abi": ["min": 1, "max": 1], "category": "testing", "capabilities": ["events", "app:notify"],
    ]
    try PackageStager.stage(manifest: manifest, payload: module, entryName: "guest.wasm", into: extensions.appendingPathComponent(appID))
    var policy = SecurityPolicy()
    policy.defaults.quotas = Quotas(operationsPerSecond: .max)
    policy.allow([.events, Capability.app("notify")!], for: appID)
    let notify = try HostFunction.app("notify") { _ in [] }
    let registry = ExtensionRegistry(stateStore: try StateStore(directory: root.appendingPathComponent("state")), policy: policy,
                                     hostFunctions: [HostFunctionSet(name: "app", functions: [notify])], logger: QuietLogger.make())
    let problems = await registry.registerAll(ExtensionDiscovery.discover(in: [extensions], verifier: TestTrust.allowingUnsigned))
    guard problems.isEmpty else { throw BenchmarkSetupError(.runtimeFailed, "the app guest was not registered", cause: "\(problems)") }
    try await registry.activate(appID)
    return AppGuest(registry: registry, handle: try await registry.handle(for: appID))
}

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput], timeUnits: .nanoseconds, warmupIterations: 5,
        maxDuration: .seconds(3), maxIterations: 2_000)

    Benchmark("Host function from wasm: app.notify", configuration: configuration) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(try fixture.handle.call(method: "notify_loop", input: loopInput) { $0.count })
        }
    } setup: {
        try await startAppGuest()
    }

    Benchmark("Host function from wasm: hypermesh.emit_event", configuration: configuration) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(try fixture.handle.call(method: "event_loop", input: loopInput) { $0.count })
        }
    } setup: {
        try await startAppGuest()
    }
}
