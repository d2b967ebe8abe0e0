import Benchmark

// Isolated native extensions (a hypermesh-sandbox worker process per extension) and hot reload,
// each next to its floor in the same run. Four groups, one file each:
//
//   RoundTrip.swift     one no-op call through a worker vs a bare socketpair echo (figures per call);
//   WorkerStart.swift   spawn to ready vs posix_spawn + wait of a trivial program (per start);
//   ReloadPause.swift   the longest call a caller sees during a hot reload vs the same time without;
//   ReloadMemory.swift  resident memory kept per hot reload, Swift image vs C image.
//
// Building fixtures (clang, swiftc), staging, registering and activating are setup, never measured.
// The worker executable is the root package's hypermesh-sandbox, built by SwiftPM next to this
// suite's executable (see the suite's dependencies in Package.swift).

let benchmarks: @Sendable () -> Void = {
    registerRoundTripBenchmarks()
    registerWorkerStartBenchmarks()
    registerReloadPauseBenchmarks()
    registerReloadMemoryBenchmarks()
}
