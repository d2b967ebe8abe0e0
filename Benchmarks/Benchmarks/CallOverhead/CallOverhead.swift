import Benchmark
import BenchmarkSupport
import Foundation
import HyperMeshExtensions
import Metrics

// One call of the fixture's `echo` method with a 16-byte input, four ways, in the same run:
//   - through ExtensionHandle.call (the runtime's fast path: admission, CallGate, the C call,
//     copying the output into [UInt8], metrics), swift-metrics with its default no-op backend;
//   - the same with a minimal swift-metrics backend bootstrapped (every metric reaches a handler);
//   - through `await registry.call(...)` from the benchmark's task: the call table, then two thread
//     hops (onto the registry's CallExecutor and back), then the same call;
//   - through `await host.call(...)` (HyperMeshHost, what an embedder calls) from a caller that
//     runs on the host's call executor: the call table and the same call, no hop;
//   - the floor: the library's `handle` called through the C function pointer, output freed;
//   - the floor plus the runtime's marshalling (method name via withCString, output copied into a
//     [UInt8]), to split the overhead into marshalling and bookkeeping (admission, gate, clock,
//     metrics).
// 1000 calls per sample (scalingFactor .kilo); figures are per call.

let echoInput = Array(#"{"payload":"ab"}"#.utf8)  // 16 bytes

var callConfiguration: Benchmark.Configuration {
    Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 2_000)
}

/// Bootstraps ``AtomicMetricsFactory`` and starts the fixture. package-benchmark runs each
/// benchmark in its own process, so the bootstrap affects only the benchmark that calls this. It
/// must come before the handle (and so its metrics) is created.
func startWithMetricsBackend(under root: URL) async throws(BenchmarkSetupError) -> ActiveFixture {
    MetricsSystem.bootstrap(AtomicMetricsFactory())
    return try await ActiveFixture.start(under: root)
}

let benchmarks: @Sendable () -> Void = {
    precondition(echoInput.count == 16)

    let handleFolder = ScratchFolder()
    Benchmark("Call: ExtensionHandle.call echo 16 B", configuration: callConfiguration) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(try fixture.handle.call(method: "echo", input: echoInput))
        }
    } setup: {
        try await ActiveFixture.start(under: handleFolder.url)
    } teardown: {
        handleFolder.remove()
    }

    let borrowedFolder = ScratchFolder()
    Benchmark("Call: ExtensionHandle.call echo 16 B, output borrowed", configuration: callConfiguration) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(try fixture.handle.call(method: "echo", input: echoInput) { $0.count })
        }
    } setup: {
        try await ActiveFixture.start(under: borrowedFolder.url)
    } teardown: {
        borrowedFolder.remove()
    }

    let backendFolder = ScratchFolder()
    Benchmark("Call: ExtensionHandle.call echo 16 B, metrics backend", configuration: callConfiguration) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(try fixture.handle.call(method: "echo", input: echoInput))
        }
    } setup: {
        try await startWithMetricsBackend(under: backendFolder.url)
    } teardown: {
        backendFolder.remove()
    }

    let actorFolder = ScratchFolder()
    Benchmark("Call: await registry.call echo 16 B", configuration: callConfiguration) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(try await fixture.registry.call(fixture.id, method: "echo", input: echoInput))
        }
    } setup: {
        try await ActiveFixture.start(under: actorFolder.url)
    } teardown: {
        actorFolder.remove()
    }

    let hostFolder = ScratchFolder()
    Benchmark("Call: await host.call echo 16 B, caller on the call executor", configuration: callConfiguration) { benchmark, fixture in
        try await fixture.host.callExecutor.run {
            for _ in benchmark.scaledIterations {
                blackHole(try await fixture.host.call(fixture.id, method: "echo", input: echoInput))
            }
        }
    } setup: {
        try await HostFixture.start(under: hostFolder.url)
    } teardown: {
        hostFolder.remove()
    }

    let floorFolder = ScratchFolder()
    Benchmark("Call: floor, C handle pointer echo 16 B", configuration: callConfiguration) { benchmark, raw in
        "echo".withCString { method in
            echoInput.withUnsafeBufferPointer { input in
                for _ in benchmark.scaledIterations {
                    blackHole(raw.call(method: method, methodLength: 4, input: input))
                }
            }
        }
    } setup: {
        try RawFixtureInstance(libraryPath: FixturePackages.build(count: 1, under: floorFolder.url).libraryPaths[0])
    } teardown: {
        floorFolder.remove()
    }

    let marshalledFolder = ScratchFolder()
    Benchmark("Call: floor + marshalling, C handle pointer echo 16 B", configuration: callConfiguration) { benchmark, raw in
        for _ in benchmark.scaledIterations {
            blackHole(raw.callMarshalled(method: "echo", input: echoInput))
        }
    } setup: {
        try RawFixtureInstance(libraryPath: FixturePackages.build(count: 1, under: marshalledFolder.url).libraryPaths[0])
    } teardown: {
        marshalledFolder.remove()
    }
}
