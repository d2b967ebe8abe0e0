import Benchmark
import BenchmarkSupport
import Foundation
import HyperMeshExtensions
import HyperMeshState
import HyperMeshTestSupport
import HyperMeshTrust

// Verification of signed packages (fixture libraries signed by a fresh Ed25519 development CA,
// built, staged and signed in setup; setup is never measured).
//
// One package, per iteration:
//   - ours, warm: PackageVerifier.verify(packageAt:) with one verifier for the whole run, so the
//     RFC 5280 chain validation is cached (as in a running host); every file digest, the PEM
//     signature file, the signature, validity, code-signing usage and revocation run every time;
//   - ours, cold: a new PackageVerifier every iteration, so the chain is validated every time
//     (what a one-shot `hypermesh ext verify` pays);
//   - the floor: read and SHA-256 every file of the package + one Ed25519 verification over the
//     manifest's bytes with the key already parsed (RawPackageCheck).
//
// A thousand packages, per iteration: discovery with a new verifier (a host start), registerAll,
// and activate every id (dlopen, dlsym, metadata check, create, activate), against the floor of
// 1,000 × the raw check + dlopen + dlsym of the same libraries.

func verifyConfiguration() -> Benchmark.Configuration {
    .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 20,
        maxDuration: .seconds(3),
        maxIterations: 10_000)
}

func thousandConfiguration() -> Benchmark.Configuration {
    .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .milliseconds,
        warmupIterations: 1,
        maxDuration: .seconds(20),
        maxIterations: 15)
}

/// One signed package and a verifier that trusts its CA.
struct OnePackage: Sendable {
    let directory: URL
    let trustStore: TrustStore
    let verifier: PackageVerifier
    let raw: RawPackageCheck

    static func make(under root: URL) async throws -> OnePackage {
        let signed = try SignedFixturePackages.build(count: 1, under: root)
        let directory = signed.packages.extensionsDirectory.appendingPathComponent(signed.packages.ids[0])
        let verifier = PackageVerifier(trustStore: signed.trustStore)
        let report = try await verifier.verify(packageAt: directory).report
        guard report.failure == nil else {
            throw BenchmarkSetupError(.sanityCheckFailed, "the signed fixture must verify", cause: "\(report.failure!)")
        }
        let raw = try RawPackageCheck(packageAt: directory, authority: signed.authority)
        guard try raw.run() else { throw BenchmarkSetupError(.sanityCheckFailed, "the raw check must verify") }
        return OnePackage(directory: directory, trustStore: signed.trustStore, verifier: verifier, raw: raw)
    }
}

/// A thousand signed packages, the state store the registry writes to, and the floor's checks.
struct ThousandPackages: Sendable {
    let signed: SignedFixturePackages
    let store: StateStore
    let raw: [RawPackageCheck]

    static func make(under root: URL) throws -> ThousandPackages {
        let signed = try SignedFixturePackages.build(count: 1_000, under: root)
        let store = try StateStore(directory: root.appendingPathComponent("state"))
        let raw = try signed.packages.ids.map { id throws(BenchmarkSetupError) in
            try RawPackageCheck(packageAt: signed.packages.extensionsDirectory.appendingPathComponent(id), authority: signed.authority)
        }
        return ThousandPackages(signed: signed, store: store, raw: raw)
    }
}

let benchmarks: @Sendable () -> Void = {
    let warmFolder = ScratchFolder()
    Benchmark("Verify: PackageVerifier.verify 1 signed, chain cached", configuration: verifyConfiguration()) { _, package in
        let report = try await package.verifier.verify(packageAt: package.directory).report
        guard report.failure == nil else { throw BenchmarkSetupError(.sanityCheckFailed, "verification failed") }
        blackHole(report)
    } setup: {
        try await OnePackage.make(under: warmFolder.url)
    } teardown: {
        warmFolder.remove()
    }

    let coldFolder = ScratchFolder()
    Benchmark("Verify: PackageVerifier.verify 1 signed, new verifier", configuration: verifyConfiguration()) { _, package in
        let verifier = PackageVerifier(trustStore: package.trustStore)
        let report = try await verifier.verify(packageAt: package.directory).report
        guard report.failure == nil else { throw BenchmarkSetupError(.sanityCheckFailed, "verification failed") }
        blackHole(report)
    } setup: {
        try await OnePackage.make(under: coldFolder.url)
    } teardown: {
        coldFolder.remove()
    }

    let floorFolder = ScratchFolder()
    Benchmark("Verify: floor, SHA-256 of every file + 1 Ed25519 verify", configuration: verifyConfiguration()) { _, package in
        guard try package.raw.run() else { throw BenchmarkSetupError(.sanityCheckFailed, "raw check failed") }
    } setup: {
        try await OnePackage.make(under: floorFolder.url)
    } teardown: {
        floorFolder.remove()
    }

    // Each thousand-package benchmark builds its own 1,000 libraries in setup (package-benchmark
    // runs every benchmark in its own process): about two minutes each with clang, never measured.
    let thousandFolder = ScratchFolder()
    Benchmark("Verify + load: discover, register, activate 1000 signed", configuration: thousandConfiguration()) {
        benchmark, fixtures in
        let verifier = PackageVerifier(trustStore: fixtures.signed.trustStore)
        let discovery = await ExtensionDiscovery.discover(in: [fixtures.signed.packages.extensionsDirectory], verifier: verifier)
        let registry = ExtensionRegistry(stateStore: fixtures.store, policy: TestPolicy.grantingEverythingDeclared, logger: QuietLogger.make())
        let problems = await registry.registerAll(discovery)
        for id in fixtures.signed.packages.ids {
            try await registry.activate(id)
        }
        benchmark.stopMeasurement()
        guard problems.isEmpty, discovery.packages.count == 1_000,
              discovery.packages.allSatisfy({ $0.verification.failure == nil && $0.verification.signer != nil }) else {
            throw BenchmarkSetupError(.sanityCheckFailed, "expected 1,000 verified packages", cause: "\(problems.prefix(3))")
        }
        await registry.shutdown()
    } setup: {
        try ThousandPackages.make(under: thousandFolder.url)
    } teardown: {
        thousandFolder.remove()
    }

    let thousandFloorFolder = ScratchFolder()
    Benchmark("Verify + load: floor, 1000 x (raw check + dlopen + dlsym)", configuration: thousandConfiguration()) {
        benchmark, fixtures in
        var opened: [UnsafeMutableRawPointer] = []
        opened.reserveCapacity(fixtures.raw.count)
        for (check, path) in zip(fixtures.raw, fixtures.signed.packages.libraryPaths) {
            guard try check.run() else { throw BenchmarkSetupError(.sanityCheckFailed, "raw check failed") }
            opened.append(try RawImage.open(path))
        }
        benchmark.stopMeasurement()
        for library in opened {
            RawImage.close(library)
        }
    } setup: {
        try ThousandPackages.make(under: thousandFloorFolder.url)
    } teardown: {
        thousandFloorFolder.remove()
    }
}
