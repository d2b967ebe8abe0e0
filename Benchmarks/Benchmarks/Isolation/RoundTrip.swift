import Benchmark
import BenchmarkSupport
import Foundation
import HyperMeshSandbox

// One no-op call (`echo` of isolated_extension.c with a 16-byte input), per call, 1000 per sample:
//   - ExtensionHandle.call on the extension active with "isolation": "process" (admission, call
//     gate, CPU accounting, metrics, then WorkerProcess.call);
//   - await registry.call on it (the actor hop to look the handle up, then the same);
//   - WorkerProcess.call on a worker started directly (encode the call frame, send, poll + recv,
//     decode; in the worker: recv, decode, the C call, encode, send);
//   - floor: a 41-byte frame (the size of the echo call frame; the result frame is 38 bytes) over a
//     bare AF_UNIX socketpair to /bin/cat (another process) and back,
//     and the same to a thread of this process;
//   - reference: ExtensionHandle.call on the same library loaded in-process.
// Not measured: host calls from the worker (echo makes none but the allocation, which is local to
// the worker), large inputs, concurrent callers (calls to one worker are serialized).

let echoInput = Array(#"{"payload":"ab"}"#.utf8)  // 16 bytes
/// The call frame of `echo` with 16 bytes: length u32, type u8, request id u64, method (u32 + 4), input (u32 + 16).
let floorFrameSize = 41

var roundTripConfiguration: Benchmark.Configuration {
    Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 5,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 500)
}

/// A worker of isolated_extension.c started directly, with `layers` of confinement (default: every
/// layer) and host calls answered with status 0.
func startWorker(under root: URL, layers: WorkerLayers = .every) throws(BenchmarkSetupError) -> WorkerProcess {
    let configuration = try workerConfiguration(under: root, layers: layers)
    do {
        return try WorkerProcess(configuration, hostCalls: { _ in HostCallReply(status: 0) })
    } catch {
        throw BenchmarkSetupError(.runtimeFailed, "the worker did not start", cause: error.description)
    }
}

func registerRoundTripBenchmarks() {
    let handleFolder = ScratchFolder()
    Benchmark("Isolated call: ExtensionHandle.call echo 16 B, worker process", configuration: roundTripConfiguration) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(try fixture.handle.call(method: "echo", input: echoInput))
        }
    } setup: {
        try await ActiveIsolatedFixture.start(under: handleFolder.url, isolated: true)
    } teardown: {
        handleFolder.remove()
    }

    let registryFolder = ScratchFolder()
    Benchmark("Isolated call: await registry.call echo 16 B, worker process", configuration: roundTripConfiguration) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(try await fixture.registry.call(fixture.id, method: "echo", input: echoInput))
        }
    } setup: {
        try await ActiveIsolatedFixture.start(under: registryFolder.url, isolated: true)
    } teardown: {
        registryFolder.remove()
    }

    let previousFolder = ScratchFolder()
    Benchmark("Isolated call: WorkerProcess.call echo 16 B, no_new_privs + seccomp", configuration: roundTripConfiguration) { benchmark, worker in
        for _ in benchmark.scaledIterations {
            blackHole(try worker.call(method: "echo", input: echoInput))
        }
    } setup: {
        try startWorker(under: previousFolder.url, layers: .previous)
    } teardown: {
        previousFolder.remove()
    }

    let workerFolder = ScratchFolder()
    Benchmark("Isolated call: WorkerProcess.call echo 16 B", configuration: roundTripConfiguration) { benchmark, worker in
        for _ in benchmark.scaledIterations {
            blackHole(try worker.call(method: "echo", input: echoInput))
        }
    } setup: {
        try startWorker(under: workerFolder.url)
    } teardown: {
        workerFolder.remove()
    }

    Benchmark("Isolated call: floor, socketpair round trip 41 B to a process (cat)", configuration: roundTripConfiguration) { benchmark, peer in
        for _ in benchmark.scaledIterations {
            blackHole(peer.roundTrip())
        }
    } setup: {
        try SocketEchoPeer(.process, frameSize: floorFrameSize)
    }

    Benchmark("Isolated call: floor, socketpair round trip 41 B to a thread", configuration: roundTripConfiguration) { benchmark, peer in
        for _ in benchmark.scaledIterations {
            blackHole(peer.roundTrip())
        }
    } setup: {
        try SocketEchoPeer(.thread, frameSize: floorFrameSize)
    }

    let inProcessFolder = ScratchFolder()
    Benchmark("Isolated call: reference, ExtensionHandle.call echo 16 B, same library in-process", configuration: roundTripConfiguration) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(try fixture.handle.call(method: "echo", input: echoInput))
        }
    } setup: {
        try await ActiveIsolatedFixture.start(under: inProcessFolder.url, isolated: false)
    } teardown: {
        inProcessFolder.remove()
    }
}
