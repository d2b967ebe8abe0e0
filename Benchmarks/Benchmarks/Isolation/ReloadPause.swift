import Benchmark
import BenchmarkSupport
import Foundation
import HyperMeshExtensions
import Synchronization

// The longest pause a caller sees during a hot reload. One caller thread calls the extension's
// `echo` through its ExtensionHandle in a tight loop (taking the new handle from the registry when
// a reload closed its own, as registry.call does), timing every call (see CallerLoop). Each iteration:
//   1. floor: a window as long as the previous reload took, without a reload (the benchmark task
//      sleeps): the longest call the caller completed in it;
//   2. ours: registry.reload(to:) to the other version (1.0.0 ⇄ 1.0.1 of org.bench.reload, built
//      from fixture_extension.c): the longest call the caller completed from the reload's start
//      until it has completed a call that started after the reload returned.
// Both are custom metrics in microseconds, so every figure of ours has its floor from the same
// iterations; also the reload's own duration and ReloadReport.swapNanoseconds (the handle exchange
// on the actor). The iteration's wall clock is not reported: it is the sum of the two windows.
// Cases: the library in-process (the main case) and in a worker process (the reload spawns a new
// worker; the old one is drained and shut down). Not measured: several callers, wasm reloads,
// Swift images (their reload is the in-process path plus a larger dlopen; see ReloadMemory.swift).

let pauseDuringReload = BenchmarkMetric.custom("longest call during reload (µs)", polarity: .prefersSmaller, useScalingFactor: false)
let pauseWithoutReload = BenchmarkMetric.custom("longest call, same time without reload (µs)", polarity: .prefersSmaller, useScalingFactor: false)
let reloadDuration = BenchmarkMetric.custom("reload duration (µs)", polarity: .prefersSmaller, useScalingFactor: false)
let swapDuration = BenchmarkMetric.custom("swap on the actor (ns)", polarity: .prefersSmaller, useScalingFactor: false)
let failedCalls = BenchmarkMetric.custom("failed calls", polarity: .prefersSmaller, useScalingFactor: false)

var pauseConfiguration: Benchmark.Configuration {
    Benchmark.Configuration(
        metrics: [pauseDuringReload, pauseWithoutReload, reloadDuration, swapDuration, failedCalls],
        warmupIterations: 3,
        maxDuration: .seconds(5),
        maxIterations: 300)
}

/// A reload fixture with its caller loop, and the duration of the latest reload (the length of
/// the next floor window).
final class PauseRun: Sendable {
    let fixture: ReloadFixture
    let callers: CallerLoop
    let latestReload = Atomic<UInt64>(0)

    init(_ subject: ReloadSubject, under root: URL) async throws {
        fixture = try await ReloadFixture.start(subject, under: root)
        let call = subject.cheapCall
        callers = CallerLoop(registry: fixture.registry, id: fixture.id, method: call.method, input: call.input, callers: 1)
        // One reload before the first iteration, to know how long the first floor window lasts.
        let start = MonotonicNanoseconds.now()
        try await fixture.reloadToTheOtherVersion()
        latestReload.store(MonotonicNanoseconds.now() - start, ordering: .relaxed)
    }

    func iteration(_ benchmark: Benchmark) async throws {
        let failuresBefore = callers.failures
        let window = latestReload.load(ordering: .relaxed)
        let floor = await callers.longestCall { try? await Task.sleep(for: .nanoseconds(window)) }
        var report: ReloadReport?
        var reloadNanoseconds: UInt64 = 0
        let longest = try await callers.longestCall { () async throws(BenchmarkSetupError) in
            let start = MonotonicNanoseconds.now()
            report = try await fixture.reloadToTheOtherVersion()
            reloadNanoseconds = MonotonicNanoseconds.now() - start
        }
        latestReload.store(reloadNanoseconds, ordering: .relaxed)
        benchmark.measurement(pauseWithoutReload, Int(floor / 1_000))
        benchmark.measurement(pauseDuringReload, Int(longest / 1_000))
        benchmark.measurement(reloadDuration, Int(reloadNanoseconds / 1_000))
        benchmark.measurement(swapDuration, Int(report?.swapNanoseconds ?? 0))
        benchmark.measurement(failedCalls, callers.failures - failuresBefore)
    }

    func stop() async {
        await callers.stop()
        await fixture.registry.shutdown()
    }
}

func registerReloadPause(_ name: String, _ subject: ReloadSubject) {
    let folder = ScratchFolder()
    let run = Mutex<PauseRun?>(nil)
    Benchmark(name, configuration: pauseConfiguration) { benchmark, pause in
        try await pause.iteration(benchmark)
    } setup: {
        let pause = try await PauseRun(subject, under: folder.url)
        run.withLock { $0 = pause }
        return pause
    } teardown: {
        if let pause = run.withLock({ $0 }) { await pause.stop() }
        folder.remove()
    }
}

func registerReloadPauseBenchmarks() {
    registerReloadPause("Reload pause: 1 caller, in-process C library", .cFixture(isolated: false))
    registerReloadPause("Reload pause: 1 caller, isolated C library (worker process)", .cFixture(isolated: true))
}
