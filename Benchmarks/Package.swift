// swift-tools-version: 6.1
import PackageDescription

// Benchmarks of the HyperMesh runtime, run with ordo-one's package-benchmark:
//
//     cd Benchmarks && swift package --disable-sandbox benchmark
//
// Every benchmark of our code has a "floor" beside it: the same work done the raw way (a direct C
// call, a bare dlopen, a bare topological sort, JSONSerialization), run by the same command, so the
// ratio between the two is meaningful on a noisy machine. Results and how to read them: BENCHMARKS.md.
//
// The root package is named by its folder, which differs between checkouts; `name:` pins it.

/// One executable per benchmark suite, in `Benchmarks/<name>/`, as package-benchmark expects.
func benchmarkSuite(_ name: String, extraDependencies: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: [
            "BenchmarkSupport",
            .product(name: "Benchmark", package: "benchmark"),
            .product(name: "HyperMeshExtensions", package: "HyperMeshExtensions"),
            .product(name: "HyperMeshManifest", package: "HyperMeshExtensions"),
            .product(name: "HyperMeshTestSupport", package: "HyperMeshExtensions"),
            .product(name: "Logging", package: "swift-log"),
        ] + extraDependencies,
        path: "Benchmarks/\(name)",
        swiftSettings: [.swiftLanguageMode(.v6)],
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")])
}

let package = Package(
    name: "HyperMeshBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "HyperMeshExtensions", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
        .package(url: "https://github.com/swiftwasm/WasmKit", from: "0.4.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // Fixtures and floors shared by the suites: staged fixture packages, the raw C call,
        // the bare dlopen, the random dependency graph, the bare topological sort.
        .target(
            name: "BenchmarkSupport",
            dependencies: [
                .product(name: "HyperMeshExtensions", package: "HyperMeshExtensions"),
                .product(name: "HyperMeshManifest", package: "HyperMeshExtensions"),
                .product(name: "HyperMeshTestSupport", package: "HyperMeshExtensions"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HyperMeshTrust", package: "HyperMeshExtensions"),
                .product(name: "HyperMeshSecurity", package: "HyperMeshExtensions"),
                .product(name: "HyperMeshState", package: "HyperMeshExtensions"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HyperMeshWasm", package: "HyperMeshExtensions"),
                .product(name: "WasmKit", package: "WasmKit"),
            ],
            path: "Sources/BenchmarkSupport",
            swiftSettings: [.swiftLanguageMode(.v6)]),
        // Not a package-benchmark suite: the peers' guests through this host, printed as the
        // peers' own benchmarks print (Benchmarks/peers.sh runs it beside ../shared/peers).
        .executableTarget(
            name: "PeerGuests",
            dependencies: [
                .product(name: "HyperMeshExtensions", package: "HyperMeshExtensions"),
                .product(name: "HyperMeshManifest", package: "HyperMeshExtensions"),
                .product(name: "HyperMeshState", package: "HyperMeshExtensions"),
                .product(name: "HyperMeshSecurity", package: "HyperMeshExtensions"),
                .product(name: "HyperMeshTestSupport", package: "HyperMeshExtensions"),
                .product(name: "hypermesh-sandbox", package: "HyperMeshExtensions"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/PeerGuests",
            swiftSettings: [.swiftLanguageMode(.v6)]),
        benchmarkSuite("CallOverhead", extraDependencies: [.product(name: "Metrics", package: "swift-metrics")]),
        benchmarkSuite("ExtensionStartup"),
        benchmarkSuite("DependencyResolution"),
        // The PubGrub solver alone over a synthetic 10,000-extension index: only the resolver and
        // the manifest types, so its release build stays small.
        .executableTarget(
            name: "IndexResolution",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "HyperMeshResolver", package: "HyperMeshExtensions"),
                .product(name: "HyperMeshManifest", package: "HyperMeshExtensions"),
            ],
            path: "Benchmarks/IndexResolution",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // Installing a signed 1 MB package from a loopback docker-registry (cold, and warm from the
        // store) against the floor: the same blobs fetched with AsyncHTTPClient and hashed.
        .executableTarget(
            name: "PackageInstall",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "HyperMeshRegistry", package: "HyperMeshExtensions"),
                .product(name: "HyperMeshTrust", package: "HyperMeshExtensions"),
                .product(name: "HyperMeshTestSupport", package: "HyperMeshExtensions"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Benchmarks/PackageInstall",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // The fleet simulator (1,000 and 10,000 simulated nodes): only the pure rollout target.
        .executableTarget(
            name: "FleetSimulation",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "HyperMeshRollout", package: "HyperMeshExtensions"),
            ],
            path: "Benchmarks/FleetSimulation",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        benchmarkSuite("ManifestDecoding"),
        benchmarkSuite("PackageVerification", extraDependencies: [.product(name: "HyperMeshTrust", package: "HyperMeshExtensions")]),
        benchmarkSuite("SecurityChecks", extraDependencies: [
            .product(name: "HyperMeshSecurity", package: "HyperMeshExtensions"),
            .product(name: "HyperMeshAudit", package: "HyperMeshExtensions"),
        ]),
        // Our wasm layers against bare WasmKit (the floors) on the same guest module.
        benchmarkSuite("WasmCalls", extraDependencies: [
            .product(name: "HyperMeshWasm", package: "HyperMeshExtensions"),
            .product(name: "WasmKit", package: "WasmKit"),
        ]),
        // An application's host function from a wasm guest against a built-in one.
        benchmarkSuite("HostFunctions", extraDependencies: [
            .product(name: "HyperMeshSecurity", package: "HyperMeshExtensions"),
            .product(name: "HyperMeshWasm", package: "HyperMeshExtensions"),
        ]),
        // libcurl, the floor of the outbound HTTP benchmarks.
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // `http_request` (plain and TLS) against libcurl doing the same requests.
        benchmarkSuite("OutboundHTTP", extraDependencies: ["CCurl", .product(name: "HyperMeshState", package: "HyperMeshExtensions")]),
        // Isolated native extensions (worker processes) against bare socketpair and posix_spawn
        // floors; the pause callers see during a hot reload; memory kept per reload. Depends on
        // the hypermesh-sandbox executable so that SwiftPM builds it into the same folder.
        benchmarkSuite("Isolation", extraDependencies: [
            .product(name: "HyperMeshSandbox", package: "HyperMeshExtensions"),
            .product(name: "hypermesh-sandbox", package: "HyperMeshExtensions"),
        ]),
    ]
)
