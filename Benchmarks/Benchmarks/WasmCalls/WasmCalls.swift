import Benchmark
import BenchmarkSupport
import Foundation
import HyperMeshExtensions
import HyperMeshState
import HyperMeshTestSupport
import HyperMeshWasm
import WasmKit

// The WebAssembly runtime against bare WasmKit, on one guest module: Tests/Fixtures/wasm/guests.c
// built with GUEST_NO_STORAGE (imports only hypermesh.output and hypermesh.error_message), staged
// as the unsigned package org.bench.wasm for the registry benchmarks. Building the guest (clang),
// staging it, calibrating the fuel rate (WasmFuelRate.measured) and the first instance are setup,
// never measured. Four groups, each with its floor in the same run:
//
//   Wasm call (1000 calls per sample, figures per call):
//     - ExtensionHandle.call(method: "noop", input: []) on the active extension (admission, call
//       gate, CPU clock, metrics, the instance lock, then WasmGuest.call);
//     - WasmGuest.call directly (method and input written into guest memory, fresh fuel budget,
//       deadline, invoke, outcome), with bindings that are never called;
//     - floor: bare WasmKit, hypermesh_handle invoked on a reused ExecutionStack with a request
//       placed in guest memory once in setup, a fresh fuel budget per call.
//   Wasm load (per load, the previous iteration's guest freed inside the next one):
//     - module bytes already in memory → WasmModule(bytes:digest:) (parse, not cached; the SHA-256
//       is computed in setup) → hostImports → WasmGuest → activate();
//     - the same through the registry: the module cache is emptied before each measured iteration,
//       then discover (reads extension.json and the module, SHA-256 of the files), a new registry,
//       registerAll, activate (reads the module again, SHA-256, parse, instantiate);
//       registry.shutdown() is not measured;
//     - floor: bare WasmKit parseWasm + Store + the two host functions + instantiate.
//   Wasm instantiate (per instance):
//     - a module cache hit + WasmGuest(module:…) (store, limiter, imports, instantiate, exports
//       looked up and type-checked, the 512 KiB execution stack allocated);
//     - floor: bare WasmKit Store + host functions + instantiate of the already-parsed Module;
//     - both again with the first no-op call (what a fresh instance costs before it has answered
//       anything; the host's engine translates eagerly at instantiation, bare WasmKit lazily at
//       the first call);
//     - the first no-op call after a trap (the host made a spare instance at the trap).
//   Wasm fuel (per call of compute with N = 100000):
//     - WasmGuest on WasmEngines.metered and on WasmEngines.unmetered;
//     - floor: bare WasmKit on a metered and an unmetered engine.
//     Report the metering overhead (metered ÷ unmetered − 1) of ours next to bare WasmKit's.

let noInput: [UInt8] = []
let computeInput = Array("100000".utf8)

var wasmCallConfiguration: Benchmark.Configuration {
    Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 2_000)
}

var wasmLoadConfiguration: Benchmark.Configuration {
    Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 5,
        maxDuration: .seconds(2),
        maxIterations: 5_000)
}

var wasmComputeConfiguration: Benchmark.Configuration {
    Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 3,
        maxDuration: .seconds(3),
        maxIterations: 500)
}

/// The registry load's fixture: the staged package and a state store, both made in setup.
struct RegistryLoadFixture: Sendable {
    let fixture: WasmFixture
    let store: StateStore
}

/// A guest of the fixture on `engine`, checked to answer `compute` with the reference result.
func computeGuest(under root: URL, engine: Engine) throws(BenchmarkSetupError) -> WasmGuest {
    _ = WasmFuelRate.measured
    let fixture = try WasmFixture.build(under: root)
    let guest = try WasmFixture.guest(try fixture.parse(), engine: engine)
    do {
        // The first call also allocates the host's request buffer and translates the functions.
        let outcome = try guest.call(method: "compute", input: computeInput)
        guard outcome.status == 0, !outcome.output.isEmpty else {
            throw BenchmarkSetupError(.sanityCheckFailed, "compute answered status \(outcome.status)")
        }
    } catch let error as BenchmarkSetupError {
        throw error
    } catch {
        throw BenchmarkSetupError(.runtimeFailed, "compute failed", cause: "\(error)")
    }
    return guest
}

/// A bare WasmKit instance of the fixture on `engine` with `method`/`input` placed, called once.
func bareGuest(under root: URL, engine: Engine, method: String, input: [UInt8]) throws(BenchmarkSetupError) -> BareWasmKitGuest {
    let fixture = try WasmFixture.build(under: root)
    let guest = try BareWasmKitGuest(module: BareWasmKitGuest.parse(fixture.bytes), engine: engine)
    try guest.place(method: method, input: input)
    do {
        let status = try guest.call()
        guard status == 0 else { throw BenchmarkSetupError(.sanityCheckFailed, "\(method) answered status \(status)") }
    } catch let error as BenchmarkSetupError {
        throw error
    } catch {
        throw BenchmarkSetupError(.runtimeFailed, "\(method) trapped in bare WasmKit", cause: "\(error)")
    }
    return guest
}

let benchmarks: @Sendable () -> Void = {
    // MARK: Calls

    let registryCallFolder = ScratchFolder()
    Benchmark("Wasm call: no-op through the registry", configuration: wasmCallConfiguration) { (benchmark: Benchmark, active: ActiveWasmFixture) in
        for _ in benchmark.scaledIterations {
            blackHole(try active.handle.call(method: "noop", input: noInput))
        }
    } setup: {
        let active = try await ActiveWasmFixture.start(under: registryCallFolder.url)
        _ = try active.handle.call(method: "noop", input: noInput)
        return active
    } teardown: {
        registryCallFolder.remove()
    }

    let guestCallFolder = ScratchFolder()
    Benchmark("Wasm call: no-op, WasmGuest directly", configuration: wasmCallConfiguration) { (benchmark: Benchmark, guest: WasmGuest) in
        for _ in benchmark.scaledIterations {
            blackHole(try guest.call(method: "noop", input: noInput))
        }
    } setup: {
        _ = WasmFuelRate.measured
        let guest = try WasmFixture.guest(try WasmFixture.build(under: guestCallFolder.url).parse())
        guard try guest.call(method: "noop", input: noInput).status == 0 else {
            throw BenchmarkSetupError(.sanityCheckFailed, "noop failed")
        }
        return guest
    } teardown: {
        guestCallFolder.remove()
    }

    let bareCallFolder = ScratchFolder()
    Benchmark("Wasm call: floor, bare WasmKit no-op", configuration: wasmCallConfiguration) { benchmark, bare in
        for _ in benchmark.scaledIterations {
            blackHole(try bare.call())
        }
    } setup: {
        try bareGuest(under: bareCallFolder.url, engine: BareWasmKitGuest.meteredEngine, method: "noop", input: noInput)
    } teardown: {
        bareCallFolder.remove()
    }

    // MARK: Load

    let loadFolder = ScratchFolder()
    Benchmark("Wasm load: module bytes to active extension", configuration: wasmLoadConfiguration) { (benchmark: Benchmark, fixture: WasmFixture) in
        for _ in benchmark.scaledIterations {
            let module = try WasmModule(bytes: fixture.bytes, digest: fixture.digest)
            let guest = try WasmGuest(module: module, imports: module.hostImports(declared: []), limits: WasmFixture.limits,
                                      bindings: NoHostBindings.shared)
            blackHole(try guest.activate())
        }
    } setup: {
        _ = WasmFuelRate.measured
        return try WasmFixture.build(under: loadFolder.url)
    } teardown: {
        loadFolder.remove()
    }

    let registryLoadFolder = ScratchFolder()
    Benchmark("Wasm load: through the registry, discover + register + activate (unsigned, from disk)",
              configuration: wasmLoadConfiguration) { (benchmark: Benchmark, setup: RegistryLoadFixture) in
        WasmModuleCache.shared.removeAll()
        benchmark.startMeasurement()
        let discovery = await ExtensionDiscovery.discover(in: [setup.fixture.extensionsDirectory], verifier: TestTrust.allowingUnsigned)
        let registry = ExtensionRegistry(stateStore: setup.store, policy: TestPolicy.grantingEverythingDeclared, logger: QuietLogger.make())
        let problems = await registry.registerAll(discovery)
        try await registry.activate(WasmFixture.id)
        benchmark.stopMeasurement()
        guard problems.isEmpty, discovery.packages.count == 1 else {
            throw BenchmarkSetupError(.sanityCheckFailed, "expected 1 package without problems", cause: "\(problems)")
        }
        await registry.shutdown()
    } setup: {
        _ = WasmFuelRate.measured
        let fixture = try WasmFixture.build(under: registryLoadFolder.url)
        do {
            return RegistryLoadFixture(fixture: fixture, store: try StateStore(directory: registryLoadFolder.url.appendingPathComponent("state")))
        } catch {
            throw BenchmarkSetupError(.runtimeFailed, "cannot open a state store", cause: "\(error)")
        }
    } teardown: {
        registryLoadFolder.remove()
    }

    let bareLoadFolder = ScratchFolder()
    Benchmark("Wasm load: floor, bare WasmKit parseWasm + instantiate", configuration: wasmLoadConfiguration) { benchmark, bytes in
        for _ in benchmark.scaledIterations {
            let module = try parseWasm(bytes: bytes)
            blackHole(try BareWasmKitGuest.instantiate(module, engine: BareWasmKitGuest.meteredEngine))
        }
    } setup: {
        try WasmFixture.build(under: bareLoadFolder.url).bytes
    } teardown: {
        bareLoadFolder.remove()
    }

    // MARK: Instantiate

    let instantiateFolder = ScratchFolder()
    Benchmark("Wasm instantiate: WasmGuest from the module cache", configuration: wasmLoadConfiguration) { (benchmark: Benchmark, setup: (WasmModuleCache, WasmFixture)) in
        let (cache, fixture) = setup
        for _ in benchmark.scaledIterations {
            let module = try cache.module(digest: fixture.digest) { fixture.bytes }
            blackHole(try WasmGuest(module: module, imports: module.hostImports(declared: []), limits: WasmFixture.limits,
                                    bindings: NoHostBindings.shared))
        }
    } setup: {
        _ = WasmFuelRate.measured
        let fixture = try WasmFixture.build(under: instantiateFolder.url)
        let cache = WasmModuleCache()
        _ = try cache.module(digest: fixture.digest) { fixture.bytes }
        return (cache, fixture)
    } teardown: {
        instantiateFolder.remove()
    }

    let bareInstantiateFolder = ScratchFolder()
    Benchmark("Wasm instantiate: floor, bare WasmKit instantiate", configuration: wasmLoadConfiguration) { benchmark, module in
        for _ in benchmark.scaledIterations {
            blackHole(try BareWasmKitGuest.instantiate(module, engine: BareWasmKitGuest.meteredEngine))
        }
    } setup: {
        try BareWasmKitGuest.parse(WasmFixture.build(under: bareInstantiateFolder.url).bytes)
    } teardown: {
        bareInstantiateFolder.remove()
    }

    let firstCallFolder = ScratchFolder()
    Benchmark("Wasm instantiate + first no-op call: WasmGuest from the module cache", configuration: wasmLoadConfiguration) { (benchmark: Benchmark, setup: (WasmModuleCache, WasmFixture)) in
        let (cache, fixture) = setup
        for _ in benchmark.scaledIterations {
            let module = try cache.module(digest: fixture.digest) { fixture.bytes }
            let guest = try WasmGuest(module: module, imports: module.hostImports(declared: []), limits: WasmFixture.limits,
                                      bindings: NoHostBindings.shared)
            blackHole(try guest.call(method: "noop", input: noInput))
        }
    } setup: {
        _ = WasmFuelRate.measured
        let fixture = try WasmFixture.build(under: firstCallFolder.url)
        let cache = WasmModuleCache()
        _ = try cache.module(digest: fixture.digest) { fixture.bytes }
        return (cache, fixture)
    } teardown: {
        firstCallFolder.remove()
    }

    let bareFirstCallFolder = ScratchFolder()
    Benchmark("Wasm instantiate + first no-op call: floor, bare WasmKit", configuration: wasmLoadConfiguration) { benchmark, module in
        for _ in benchmark.scaledIterations {
            let bare = try BareWasmKitGuest(module: module, engine: BareWasmKitGuest.meteredEngine)
            try bare.place(method: "noop", input: noInput)
            blackHole(try bare.call())
        }
    } setup: {
        try BareWasmKitGuest.parse(WasmFixture.build(under: bareFirstCallFolder.url).bytes)
    } teardown: {
        bareFirstCallFolder.remove()
    }

    // What the first caller after a trap waits for: the trap made a spare instance (instantiated and
    // translated eagerly), so the call finds one ready. Only the no-op call is measured; the trap
    // before it is not.
    let afterTrapFolder = ScratchFolder()
    Benchmark("Wasm call: first no-op call after a trap, WasmGuest", configuration: wasmLoadConfiguration) { benchmark, guest in
        _ = try? guest.call(method: "unreachable", input: noInput)
        benchmark.startMeasurement()
        blackHole(try guest.call(method: "noop", input: noInput))
        benchmark.stopMeasurement()
    } setup: {
        try computeGuest(under: afterTrapFolder.url, engine: WasmEngines.metered)
    } teardown: {
        afterTrapFolder.remove()
    }

    // MARK: Fuel metering

    for metered in [true, false] {
        let label = metered ? "metered" : "unmetered"
        let oursFolder = ScratchFolder()
        Benchmark("Wasm fuel: compute 100000, WasmGuest \(label)", configuration: wasmComputeConfiguration) { benchmark, guest in
            for _ in benchmark.scaledIterations {
                blackHole(try guest.call(method: "compute", input: computeInput))
            }
        } setup: {
            try computeGuest(under: oursFolder.url, engine: metered ? WasmEngines.metered : WasmEngines.unmetered)
        } teardown: {
            oursFolder.remove()
        }

        let bareFolder = ScratchFolder()
        Benchmark("Wasm fuel: floor, bare WasmKit compute 100000 \(label)", configuration: wasmComputeConfiguration) { benchmark, bare in
            for _ in benchmark.scaledIterations {
                blackHole(try bare.call())
            }
        } setup: {
            try bareGuest(under: bareFolder.url, engine: metered ? BareWasmKitGuest.meteredEngine : BareWasmKitGuest.unmeteredEngine,
                          method: "compute", input: computeInput)
        } teardown: {
            bareFolder.remove()
        }
    }
}
