import Benchmark
import BenchmarkSupport
import Foundation
import HyperMeshExtensions
import HyperMeshState
import HyperMeshTestSupport

// Startup of 1 and of 100 extensions (distinct fixture libraries org.bench.e000…, built and staged
// once in setup). Measured per iteration:
//   - ours: ExtensionDiscovery.discover (manifest decoding, SHA-256 of every file; the packages
//     are unsigned and the verifier allows that: signed startup is in PackageVerification), a new
//     ExtensionRegistry over the state store made in setup, registerAll, activate every id
//     (resolution, dlopen, dlsym, metadata check, create, activate);
//   - the floor: dlopen + dlsym of the three entry points of the same libraries.
// For diagnosis, discovery alone (ExtensionDiscovery.discover) is measured too.
// Not measured: registry.shutdown() (ours) and dlclose (floor), which run after stopMeasurement.
// C libraries are really unmapped on unload, so every iteration maps them again, in both.

struct StartupFixtures: Sendable {
    let packages: FixturePackages
    let store: StateStore

    /// Builds `count` fixture packages and opens a state store, both under `root`.
    static func make(count: Int, under root: URL) throws(BenchmarkSetupError) -> StartupFixtures {
        let packages = try FixturePackages.build(count: count, under: root)
        do {
            let store = try StateStore(directory: root.appendingPathComponent("state"))
            return StartupFixtures(packages: packages, store: store)
        } catch {
            throw BenchmarkSetupError(.runtimeFailed, "cannot open a state store under \(root.path)", cause: error.description)
        }
    }
}

func startupConfiguration(extensions: Int) -> Benchmark.Configuration {
    .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 3,
        maxDuration: .seconds(extensions > 1 ? 6 : 3),
        maxIterations: extensions > 1 ? 300 : 2_000)
}

let benchmarks: @Sendable () -> Void = {
    for count in [1, 100] {
        let oursFolder = ScratchFolder()
        Benchmark("Startup: discover + register + activate \(count)", configuration: startupConfiguration(extensions: count)) {
            benchmark, fixtures in
            let discovery = await ExtensionDiscovery.discover(in: [fixtures.packages.extensionsDirectory], verifier: TestTrust.allowingUnsigned)
            let registry = ExtensionRegistry(stateStore: fixtures.store, policy: TestPolicy.grantingEverythingDeclared, logger: QuietLogger.make())
            let problems = await registry.registerAll(discovery)
            for id in fixtures.packages.ids {
                try await registry.activate(id)
            }
            benchmark.stopMeasurement()
            guard problems.isEmpty, discovery.packages.count == count else {
                throw BenchmarkSetupError(.sanityCheckFailed, "expected \(count) packages without problems", cause: "\(problems)")
            }
            await registry.shutdown()
        } setup: {
            try StartupFixtures.make(count: count, under: oursFolder.url)
        } teardown: {
            oursFolder.remove()
        }

        let discoveryFolder = ScratchFolder()
        Benchmark("Startup: discover only \(count)", configuration: startupConfiguration(extensions: count)) { _, packages in
            let discovery = await ExtensionDiscovery.discover(in: [packages.extensionsDirectory], verifier: TestTrust.allowingUnsigned)
            guard discovery.problems.isEmpty, discovery.packages.count == count else {
                throw BenchmarkSetupError(.sanityCheckFailed, "expected \(count) packages without problems", cause: "\(discovery.problems)")
            }
            blackHole(discovery)
        } setup: {
            try FixturePackages.build(count: count, under: discoveryFolder.url)
        } teardown: {
            discoveryFolder.remove()
        }

        let floorFolder = ScratchFolder()
        Benchmark("Startup: floor, dlopen + dlsym \(count)", configuration: startupConfiguration(extensions: count)) {
            benchmark, libraries in
            var opened: [UnsafeMutableRawPointer] = []
            opened.reserveCapacity(libraries.count)
            for path in libraries {
                opened.append(try RawImage.open(path))
            }
            benchmark.stopMeasurement()
            for library in opened {
                RawImage.close(library)
            }
        } setup: {
            try FixturePackages.build(count: count, under: floorFolder.url).libraryPaths
        } teardown: {
            floorFolder.remove()
        }
    }
}
