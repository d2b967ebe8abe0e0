import Benchmark
import BenchmarkSupport
import Foundation
import HyperMeshExtensions
import Synchronization

// Memory a hot reload leaves behind. Each sample hot-reloads an in-process native extension 10
// times (1.0.0 ⇄ 1.0.1, each reload mapping a fresh shadow copy under <state>/shadow/ and retiring
// the old version), with no caller, and reports per reload:
//   - the growth of the resident set (/proc/self/statm) over the 10 reloads ÷ 10, in KiB (a
//     sample whose resident set shrank reports 0);
//   - the mappings added over the 10 (/proc/self/maps lines): an image that stays mapped adds
//     its segments even where few of its pages are resident;
//   - the mean duration of a reload over the 10, in µs.
// Cases: Examples/hello-swift built with the Kit (a Swift image is pinned with RTLD_NODELETE and
// stays mapped after its version retires) and fixture_extension.c (dlclose unmaps it), so the
// difference is what the Swift image keeps; both go through the same registry path (shadow copy,
// load, create, activate, canary, swap, retire, audit; the packages are discovered in setup).
// Not measured: isolated extensions (a retired worker's memory goes with its process), wasm.

let residentGrowth = BenchmarkMetric.custom("resident set growth per reload (KiB)", polarity: .prefersSmaller, useScalingFactor: false)
let mappingsAdded = BenchmarkMetric.custom("mappings added per 10 reloads", polarity: .prefersSmaller, useScalingFactor: false)

let reloadsPerSample = 10

var memoryConfiguration: Benchmark.Configuration {
    Benchmark.Configuration(
        metrics: [residentGrowth, mappingsAdded, reloadDuration],
        warmupIterations: 1,
        maxDuration: .seconds(10),
        maxIterations: 30)
}

func registerReloadMemory(_ name: String, _ subject: ReloadSubject) {
    let folder = ScratchFolder()
    let started = Mutex<ReloadFixture?>(nil)
    Benchmark(name, configuration: memoryConfiguration) { (benchmark: Benchmark, fixture: ReloadFixture) in
        let residentBefore = try ResidentMemory.residentBytes()
        let mappingsBefore = try ResidentMemory.mappingCount()
        let start = MonotonicNanoseconds.now()
        for _ in 0..<reloadsPerSample {
            try await fixture.reloadToTheOtherVersion()
        }
        let elapsed = MonotonicNanoseconds.now() - start
        let residentAfter = try ResidentMemory.residentBytes()
        let mappingsAfter = try ResidentMemory.mappingCount()
        benchmark.measurement(residentGrowth, max(0, residentAfter - residentBefore) / 1_024 / reloadsPerSample)
        benchmark.measurement(mappingsAdded, max(0, mappingsAfter - mappingsBefore))
        benchmark.measurement(reloadDuration, Int(elapsed / 1_000) / reloadsPerSample)
    } setup: {
        let fixture = try await ReloadFixture.start(subject, under: folder.url)
        started.withLock { $0 = fixture }
        return fixture
    } teardown: {
        if let fixture = started.withLock({ $0 }) { await fixture.registry.shutdown() }
        folder.remove()
    }
}

func registerReloadMemoryBenchmarks() {
    registerReloadMemory("Reload memory: Swift image (Examples/hello-swift), in-process", .swiftHello)
    registerReloadMemory("Reload memory: C image (fixture_extension.c), in-process", .cFixture(isolated: false))
}
