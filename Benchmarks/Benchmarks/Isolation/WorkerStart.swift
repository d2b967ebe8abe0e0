import Benchmark
import BenchmarkSupport
import Foundation
import HyperMeshExtensions
import HyperMeshSandbox
import HyperMeshTestSupport

// Starting a worker until it can take a call, per start:
//   - WorkerProcess.init: socketpair, posix_spawn of hypermesh-sandbox, hello both ways, load (the
//     worker closes inherited descriptors, applies no_new_privs and seccomp, dlopen, metadata,
//     create), loaded. The shutdown that follows is not measured;
//   - the same with shutdown measured (shutdown frame, then waitpid polled every 2 ms);
//   - registry.activate of the isolated extension, registered just before (the worker start above,
//     plus resolution, the host context and activate through the worker); register and
//     unregister are not measured;
//   - reference: registry.activate of the same library in-process;
//   - floor: posix_spawn + waitpid of /bin/true, and of hypermesh-sandbox --version (the worker's
//     own executable: dynamic linking of the Swift runtime, a line printed to /dev/null).
// Each WorkerProcess.init case in three confinements, same run:
//   - every layer (the default, with an undeclared manifest's ceilings: 512 MiB, 16 MiB files, 256
//     threads): namespaces, rlimits, cgroup pids where writable, capabilities, no_new_privs,
//     Landlock (with the dependency walk of LibraryFolders), seccomp on every thread;
//   - the previous release's layers: no_new_privs and seccomp only;
//   - no layer at all (the floor of the worker's own start).
// Not measured: a worker that fails to load.

var startConfiguration: Benchmark.Configuration {
    Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 3,
        maxDuration: .seconds(3),
        maxIterations: 300)
}

/// Which confinement a benchmarked worker gets.
enum WorkerLayers: String, CaseIterable, Sendable {
    /// Every layer, with the ceilings an isolated extension gets when its manifest is silent.
    case every = "every layer"
    /// Every layer but the thread limit, which a root host holds with a cgroup (a migration).
    case everyButCgroup = "every layer but the cgroup"
    /// no_new_privs and seccomp only (the previous release's worker).
    case previous = "no_new_privs + seccomp"
    /// The previous release's layers and the namespaces.
    case previousAndNamespaces = "no_new_privs + seccomp + namespaces"
    /// The previous release's layers and Landlock.
    case previousAndLandlock = "no_new_privs + seccomp + Landlock"
    /// None: the worker's own start.
    case none = "no layer"

    var limits: ConfinementLimits {
        switch self {
        case .every: return ConfinementLimits(addressSpaceBytes: 512 << 20, fileSizeBytes: 16 << 20, threads: 256)
        case .everyButCgroup: return ConfinementLimits(addressSpaceBytes: 512 << 20, fileSizeBytes: 16 << 20)
        case .previous, .previousAndNamespaces: return ConfinementLimits(landlock: false)
        case .previousAndLandlock: return ConfinementLimits()
        case .none: return ConfinementLimits(noNewPrivileges: false, seccomp: false, landlock: false)
        }
    }
}

/// The configuration of a worker of isolated_extension.c staged under `root`.
func workerConfiguration(under root: URL, layers: WorkerLayers = .every) throws(BenchmarkSetupError) -> WorkerConfiguration {
    let executable = try SandboxExecutable.locate()
    let package = try IsolatedFixturePackage.stage(under: root, isolated: true)
    return WorkerConfiguration(
        executablePath: executable, libraryPath: package.libraryPath,
        extensionID: IsolatedFixturePackage.id, version: IsolatedFixturePackage.version,
        limits: layers.limits, namespaces: [.every, .everyButCgroup, .previousAndNamespaces].contains(layers))
}

/// A registry and the fixture's package, discovered in setup and not registered: each iteration
/// registers it (not measured), activates it (measured: resolution, load, create, activate) and
/// unregisters it (not measured). A deactivation alone would keep the worker (or the image) and the
/// next activation would only call `activate` again.
struct ActivationFixture: Sendable {
    let registry: ExtensionRegistry
    let package: DiscoveredPackage

    static func start(under root: URL, isolated: Bool) async throws -> ActivationFixture {
        let active = try await ActiveIsolatedFixture.start(under: root, isolated: isolated)
        _ = try await active.registry.unregister(active.id)
        let discovery = await ExtensionDiscovery.discover(in: [active.package.extensionsDirectory], verifier: TestTrust.allowingUnsigned)
        guard let package = discovery.packages.first else {
            throw BenchmarkSetupError(.runtimeFailed, "the fixture package was not rediscovered", cause: "\(discovery.problems)")
        }
        return ActivationFixture(registry: active.registry, package: package)
    }

    func measureActivation(_ benchmark: Benchmark) async throws {
        try await registry.register(package)
        benchmark.startMeasurement()
        try await registry.activate(package.manifest.id)
        benchmark.stopMeasurement()
        _ = try await registry.unregister(package.manifest.id)
    }
}

func registerWorkerStartBenchmarks() {
    for layers in WorkerLayers.allCases {
        let initFolder = ScratchFolder()
        let name = layers == .every ? "Worker start: WorkerProcess.init to loaded" : "Worker start: WorkerProcess.init to loaded, \(layers.rawValue)"
        Benchmark(name, configuration: startConfiguration) { benchmark, configuration in
            benchmark.startMeasurement()
            let worker = try WorkerProcess(configuration, hostCalls: { _ in HostCallReply(status: 0) })
            benchmark.stopMeasurement()
            worker.shutdown()
        } setup: {
            try workerConfiguration(under: initFolder.url, layers: layers)
        } teardown: {
            initFolder.remove()
        }
    }

    let cycleFolder = ScratchFolder()
    Benchmark("Worker start: WorkerProcess.init + shutdown", configuration: startConfiguration) { _, configuration in
        let worker = try WorkerProcess(configuration, hostCalls: { _ in HostCallReply(status: 0) })
        worker.shutdown()
    } setup: {
        try workerConfiguration(under: cycleFolder.url)
    } teardown: {
        cycleFolder.remove()
    }

    let activateFolder = ScratchFolder()
    Benchmark("Worker start: registry.activate, isolated", configuration: startConfiguration) { benchmark, fixture in
        try await fixture.measureActivation(benchmark)
    } setup: {
        try await ActivationFixture.start(under: activateFolder.url, isolated: true)
    } teardown: {
        activateFolder.remove()
    }

    let inProcessFolder = ScratchFolder()
    Benchmark("Worker start: reference, registry.activate, same library in-process", configuration: startConfiguration) { benchmark, fixture in
        try await fixture.measureActivation(benchmark)
    } setup: {
        try await ActivationFixture.start(under: inProcessFolder.url, isolated: false)
    } teardown: {
        inProcessFolder.remove()
    }

    Benchmark("Worker start: floor, posix_spawn + wait /bin/true", configuration: startConfiguration) { _, spawn in
        blackHole(spawn.run())
    } setup: {
        ProcessSpawn(["/bin/true"])
    }

    Benchmark("Worker start: floor, posix_spawn + wait hypermesh-sandbox --version", configuration: startConfiguration) { _, spawn in
        blackHole(spawn.run())
    } setup: {
        ProcessSpawn([try SandboxExecutable.locate(), "--version"])
    }
}
