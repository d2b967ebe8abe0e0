import AsyncHTTPClient
import Benchmark
import Crypto
import Foundation
import HyperMeshRegistry
import HyperMeshTestSupport
import HyperMeshTrust

// Installing a signed wasm package of 1 MiB from docker-registry 2.8.2 on 127.0.0.1 (started
// here, stopped at exit):
// - install_cold: a new state directory each time: manifest, config, payload and signature
//   fetched into the store (each blob through SHA-256 into a file), the package staged, verified
//   against the trust store (signature, chain, file digests), and put in place under installed/.
// - floor_fetch_and_hash: the same four requests with AsyncHTTPClient, each body hashed with
//   SHA-256 in memory, nothing else. Report install_cold ÷ floor (target ≤ 2) and p50 ≤ 100 ms.
// - install_warm: the store already keeps the digest: no request (checked), staged, verified and
//   put in place again (target ≤ 5 ms).
// Not measured here: registering and activating the extension in a host (ExtensionStartup does).

struct InstallFixture: @unchecked Sendable {
    let registry: RegistryServer
    let reference: OCIReference
    let verifier: PackageVerifier
    let client: RegistryClient
    let blobs: [OCIDescriptor]
    let manifestDigest: OCIDigest
    let root: URL
}

func makeFixture() async throws -> InstallFixture {
    let registry = try await RegistryServer.start()
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("hm-bench-install-\(UUID().uuidString)")
    let folder = root.appendingPathComponent("package")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var generator = SplitMix64(state: 42)
    let payload = Data((0..<(1 << 20)).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
    try payload.write(to: folder.appendingPathComponent("module.wasm"))
    let manifest: [String: Any] = [
        "id": "org.bench.megabyte", "name": "Megabyte", "version": "1.0.0", "kind": "wasm", "entry": "module.wasm",
        "abi": ["min": 1, "max": 1], "category": "bench", "capabilities": [], "dependencies": [:],
        "files": ["module.wasm": FileDigest.sha256Hex(of: payload)],
    ]
    try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]).write(to: folder.appendingPathComponent("extension.json"))
    let ca = try DevelopmentCA.generate()
    try ca.sign(packageAt: folder)
    let client = RegistryClient()
    let reference = try OCIReference(parsing: "\(registry.registry)/bench/megabyte:1.0.0")
    let artifact = try PackageArtifact.make(fromPackageAt: folder)
    let endpoint = RegistryEndpoint(client: client, registry: registry.registry)
    let digest = try await endpoint.publish([(nil, artifact)], to: reference)
    return InstallFixture(registry: registry, reference: reference, verifier: PackageVerifier(trustStore: TrustStore(roots: [ca.root])),
                          client: client, blobs: [artifact.imageManifest.config] + artifact.imageManifest.layers, manifestDigest: digest, root: root)
}

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput], timeUnits: .milliseconds, warmupIterations: 5,
        maxDuration: .seconds(10), maxIterations: 300)
    nonisolated(unsafe) var fixture: InstallFixture?
    let setUp: () async throws -> InstallFixture = {
        if let fixture { return fixture }
        let made = try await makeFixture()
        fixture = made
        return made
    }

    // The registry is a child process: stopped (by process id) after each benchmark, which makes
    // its own on first use.
    Benchmark.teardown = {
        if let made = fixture {
            made.registry.stop()
            try? await made.client.shutdown()
            try? FileManager.default.removeItem(at: made.root)
        }
        fixture = nil
    }

    Benchmark("install_cold", configuration: configuration) { benchmark in
        let fixture = try await setUp()
        for _ in benchmark.scaledIterations {
            let state = fixture.root.appendingPathComponent("state-\(UUID().uuidString)")
            let installer = PackageInstaller(store: try PackageStore(stateDirectory: state), verifier: fixture.verifier, hostABI: 1)
            let endpoint = RegistryEndpoint(client: fixture.client, registry: fixture.registry.registry)
            benchmark.startMeasurement()
            let fetched = try await installer.fetch(fixture.reference, from: endpoint)
            try await installer.activate(fetched.package)
            benchmark.stopMeasurement()
            try? FileManager.default.removeItem(at: state)
        }
    }

    Benchmark("floor_fetch_and_hash", configuration: configuration) { benchmark in
        let fixture = try await setUp()
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let base = "http://\(fixture.registry.registry)/v2/\(fixture.reference.repository)"
        for _ in benchmark.scaledIterations {
            benchmark.startMeasurement()
            var request = HTTPClientRequest(url: "\(base)/manifests/1.0.0")
            request.headers.add(name: "Accept", value: OCIMediaType.imageManifest)
            var hashed = 0
            let manifest = try await http.execute(request, timeout: .seconds(30))
            var hasher = SHA256()
            for try await chunk in manifest.body { hasher.update(data: Data(buffer: chunk)); hashed += chunk.readableBytes }
            _ = hasher.finalize()
            for blob in fixture.blobs {
                let response = try await http.execute(HTTPClientRequest(url: "\(base)/blobs/\(blob.digest)"), timeout: .seconds(30))
                var blobHasher = SHA256()
                for try await chunk in response.body { blobHasher.update(data: Data(buffer: chunk)); hashed += chunk.readableBytes }
                precondition(OCIDigest(blobHasher.finalize()) == blob.digest)
            }
            benchmark.stopMeasurement()
            blackHole(hashed)
        }
        try await http.shutdown()
    }

    Benchmark("install_warm", configuration: configuration) { benchmark in
        let fixture = try await setUp()
        let state = fixture.root.appendingPathComponent("state-warm")
        let installer = PackageInstaller(store: try PackageStore(stateDirectory: state), verifier: fixture.verifier, hostABI: 1)
        let endpoint = RegistryEndpoint(client: fixture.client, registry: fixture.registry.registry)
        try await installer.activate(try await installer.fetch(fixture.reference, from: endpoint).package)
        let requestsBefore = fixture.client.requestCount
        let pinned = fixture.reference.pinned(to: fixture.manifestDigest)
        for _ in benchmark.scaledIterations {
            benchmark.startMeasurement()
            let fetched = try await installer.fetch(pinned, from: endpoint)
            try await installer.activate(fetched.package)
            benchmark.stopMeasurement()
        }
        precondition(fixture.client.requestCount == requestsBefore, "a warm install made requests")
    }
}
