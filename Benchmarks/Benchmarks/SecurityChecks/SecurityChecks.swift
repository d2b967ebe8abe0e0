import Benchmark
import BenchmarkSupport
import Foundation
import HyperMeshAudit
@_spi(Benchmarks) import HyperMeshExtensions
import HyperMeshSecurity
import HyperMeshState
#if canImport(Glibc)
import Glibc
#endif

// The costs the security layer adds, each beside its floor, in the same run:
//   - a host API entry with an empty body through the broker, with every check of the security
//     context (suspension, capability, token bucket) vs the same entry without them (context
//     look-up and call counter only);
//   - a token-bucket acquire, given the time and reading the clock, vs the clock read alone;
//   - the thread CPU clock read that brackets every call into an extension;
//   - the audit log (group commit): 10,240 durable appends from 1, 8 and 64 concurrent tasks
//     (`appendDurably`, which suspends each task until its record's transaction has committed),
//     the same from 64 threads calling the blocking `append` (as host calls do), and 10,000 queued
//     appends plus a flush; records per second = records / the time of one iteration.
// Host-call and bucket benchmarks run 1000 operations per sample (scalingFactor .kilo).

func perOperation() -> Benchmark.Configuration {
    .init(metrics: [.wallClock, .throughput], timeUnits: .nanoseconds, warmupIterations: 10,
          scalingFactor: .kilo, maxDuration: .seconds(2), maxIterations: 5_000)
}

func auditBatch() -> Benchmark.Configuration {
    .init(metrics: [.wallClock, .throughput], timeUnits: .milliseconds, warmupIterations: 2,
          maxDuration: .seconds(10), maxIterations: 60)
}

/// A fresh audit log in a scratch folder.
func openAudit(_ folder: ScratchFolder) throws -> AuditLog {
    try AuditLog(file: folder.url.appendingPathComponent("audit.sqlite"))
}

/// Records per durable-append iteration: divisible by 1, 8 and 64 writers.
let durableAppends = 10_240

/// `writers` tasks each append `durableAppends / writers` records with `appendDurably`, each
/// waiting for its record's commit before appending the next.
func appendDurably(_ log: AuditLog, writers: Int) async {
    await withTaskGroup(of: Void.self) { group in
        for _ in 0..<writers {
            group.addTask {
                for _ in 0..<(durableAppends / writers) { _ = try? await log.appendDurably(auditEntry) }
            }
        }
    }
}

/// `threads` new threads each call the blocking `append` `durableAppends / threads` times (the
/// threads' start is measured too); the benchmark's task waits for them without blocking.
func appendOnThreads(_ log: AuditLog, threads: Int) async {
    let group = DispatchGroup()
    for _ in 0..<threads {
        group.enter()
        Thread {
            for _ in 0..<(durableAppends / threads) { _ = try? log.append(auditEntry) }
            group.leave()
        }.start()
    }
    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
        group.notify(queue: .global()) { done.resume() }
    }
}

let auditEntry = AuditEntry(kind: .denial, extensionID: "org.bench.audit",
                            message: "org.bench.audit was not granted the 'storage' capability",
                            details: ["capability": "storage", "violation": "capability_denied"])

let benchmarks: @Sendable () -> Void = {
    let checkedFolder = ScratchFolder()
    Benchmark("Host call: broker with every check, empty body", configuration: perOperation()) { benchmark, subject in
        for _ in benchmark.scaledIterations { blackHole(subject.checkedCall()) }
    } setup: {
        HostCallBenchmarking(store: try StateStore(directory: checkedFolder.url))
    } teardown: {
        checkedFolder.remove()
    }

    let uncheckedFolder = ScratchFolder()
    Benchmark("Host call: floor, context look-up + counter", configuration: perOperation()) { benchmark, subject in
        for _ in benchmark.scaledIterations { blackHole(subject.uncheckedCall()) }
    } setup: {
        HostCallBenchmarking(store: try StateStore(directory: uncheckedFolder.url))
    } teardown: {
        uncheckedFolder.remove()
    }

    Benchmark("Token bucket: tryAcquire(now:)", configuration: perOperation()) { benchmark, bucket in
        var now: UInt64 = 1_000_000_000
        for _ in benchmark.scaledIterations {
            now &+= 1
            blackHole(bucket.tryAcquire(now: now))
        }
    } setup: {
        TokenBucket(rate: 1_000_000_000, burst: 1_000_000_000)
    }

    Benchmark("Token bucket: tryAcquire() reading the clock", configuration: perOperation()) { benchmark, bucket in
        for _ in benchmark.scaledIterations { blackHole(bucket.tryAcquire()) }
    } setup: {
        TokenBucket(rate: 1_000_000_000, burst: 1_000_000_000)
    }

    Benchmark("Clock: CLOCK_MONOTONIC read", configuration: perOperation()) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(MonotonicTime.nanoseconds()) }
    }

    Benchmark("Clock: CLOCK_THREAD_CPUTIME_ID read", configuration: perOperation()) { benchmark in
        for _ in benchmark.scaledIterations {
            var time = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
            blackHole(time.tv_nsec)
        }
    }

    for writers in [1, 8, 64] {
        let durableFolder = ScratchFolder()
        Benchmark("Audit: 10,240 durable appends, \(writers) task\(writers == 1 ? "" : "s")", configuration: auditBatch()) { _, log in
            await appendDurably(log, writers: writers)
        } setup: {
            try openAudit(durableFolder)
        } teardown: {
            durableFolder.remove()
        }
    }

    let threadsFolder = ScratchFolder()
    Benchmark("Audit: 10,240 durable appends, 64 threads (blocking append)", configuration: auditBatch()) { _, log in
        await appendOnThreads(log, threads: 64)
    } setup: {
        try openAudit(threadsFolder)
    } teardown: {
        threadsFolder.remove()
    }

    let queuedFolder = ScratchFolder()
    Benchmark("Audit: 10,000 queued appends + flush", configuration: auditBatch()) { _, log in
        for _ in 0..<10_000 { log.enqueue(auditEntry) }
        try log.flush()
    } setup: {
        try openAudit(queuedFolder)
    } teardown: {
        queuedFolder.remove()
    }
}
