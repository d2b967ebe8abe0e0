// swift-tools-version: 6.1
import PackageDescription

let strictSwift: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
]

let package = Package(
    name: "HyperMeshExtensions",
    products: [
        .library(name: "HyperMeshExtensions", targets: ["HyperMeshExtensions"]),
        .library(name: "HyperMeshErrors", targets: ["HyperMeshErrors"]),
        .library(name: "HyperMeshStrictJSON", targets: ["HyperMeshStrictJSON"]),
        .library(name: "HyperMeshManifest", targets: ["HyperMeshManifest"]),
        .library(name: "HyperMeshResolver", targets: ["HyperMeshResolver"]),
        .library(name: "HyperMeshTrust", targets: ["HyperMeshTrust"]),
        .library(name: "HyperMeshSecurity", targets: ["HyperMeshSecurity"]),
        .library(name: "HyperMeshAudit", targets: ["HyperMeshAudit"]),
        .library(name: "HyperMeshConsensus", targets: ["HyperMeshConsensus"]),
        .library(name: "HyperMeshConsensusFunctions", targets: ["HyperMeshConsensusFunctions"]),
        .library(name: "HyperMeshWasm", targets: ["HyperMeshWasm"]),
        .library(name: "HyperMeshExtensionKit", targets: ["HyperMeshExtensionKit"]),
        .library(name: "CatalogExtension", type: .dynamic, targets: ["CatalogExtension"]),
        .executable(name: "hypermesh", targets: ["hypermesh"]),
        // Isolated native extensions: the host–worker protocol, confinement, the worker process.
        .library(name: "HyperMeshSandbox", targets: ["HyperMeshSandbox"]),
        .library(name: "HyperMeshState", targets: ["HyperMeshState"]),
        .executable(name: "hypermesh-sandbox", targets: ["hypermesh-sandbox"]),
        // Builds extensions from source and stages packages; used by the tests and the benchmarks.
        .library(name: "HyperMeshTestSupport", targets: ["HyperMeshTestSupport"]),
        // Packages as OCI artifacts, the registry client, the content-addressed store, the signed index.
        .library(name: "HyperMeshRegistry", targets: ["HyperMeshRegistry"]),
        // Fleet rollouts and peer selection as pure logic, and the deterministic fleet simulator.
        .library(name: "HyperMeshRollout", targets: ["HyperMeshRollout"]),
        // A node in a fleet: the etcd client, the fleet's state in etcd, the agent, peer pulls.
        .library(name: "HyperMeshFleet", targets: ["HyperMeshFleet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-certificates", .upToNextMinor(from: "1.21.1")),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/swiftwasm/WasmKit", .upToNextMinor(from: "0.4.2")),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        // OpenTelemetry export of the spans (OTLP over HTTP only: the gRPC exporter is not built).
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
        // The node's admin API is generated from its OpenAPI document (docs/node-api.yaml).
        .package(url: "https://github.com/apple/swift-openapi-generator", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // The one error model: HyperMeshError, its extensible codes and categories, the exit codes.
        // No dependencies (not even Foundation), so every target can conform.
        .target(name: "HyperMeshErrors", swiftSettings: strictSwift),
        // The strict JSON parser (RFC 8259, duplicate keys refused, JSON paths) shared by the
        // manifest, the policy file and the revocation list. No dependencies.
        .target(name: "HyperMeshStrictJSON", swiftSettings: strictSwift),
        // The versioned C contract between host and extension. Header only (plus a version symbol).
        .target(name: "CHyperMeshABI"),
        // Manifest model, strict decoding, validation, semantic versions and ranges. Foundation only.
        .target(name: "HyperMeshManifest", dependencies: ["HyperMeshErrors", "HyperMeshStrictJSON"], swiftSettings: strictSwift),
        // The PubGrub version solver: conflict-driven resolution with explanations, over any
        // universe of candidate versions (the local packages, a signed index). Pure: no I/O.
        .target(name: "HyperMeshResolver", dependencies: ["HyperMeshManifest", "HyperMeshErrors"], swiftSettings: strictSwift),
        // Package layout, file digests, the `.hmx` archive, signing keys and certificates, the TrustChain, revocation.
        .target(
            name: "HyperMeshTrust",
            dependencies: [
                "HyperMeshManifest", "HyperMeshErrors", "HyperMeshStrictJSON",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: strictSwift),
        // Policy, grants, quotas, token buckets, anomaly detection, violations: pure values, no I/O
        // but reading the policy file.
        .target(name: "HyperMeshSecurity", dependencies: ["HyperMeshManifest", "HyperMeshErrors", "HyperMeshStrictJSON"], swiftSettings: strictSwift),
        // The hash-chained, tamper-evident audit log (SQLite through GRDB, WAL, group commit).
        .target(
            name: "HyperMeshAudit",
            dependencies: [
                "HyperMeshErrors",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C interface, for binding a batch's rows without GRDB's argument conversion.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSwift),
        // Operation validators and the four-proof chain (space, stake, work, time).
        .target(
            name: "HyperMeshConsensus",
            dependencies: ["HyperMeshErrors", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSwift),
        // The WebAssembly runtime: module cache, guest ABI, fuel, memory limits, traps. The only
        // target that imports WasmKit; it knows nothing of the host API beyond WasmHostBindings.
        .target(
            name: "HyperMeshWasm",
            dependencies: [
                "HyperMeshManifest", "HyperMeshErrors",
                .product(name: "WasmKit", package: "WasmKit"),
            ],
            swiftSettings: strictSwift),
        // SQLite-backed per-extension state (key-value storage).
        .target(
            name: "HyperMeshState",
            dependencies: ["HyperMeshErrors", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSwift),
        // The runtime: registry, resolver, lifecycle, loaders, host API broker, assets, health, metrics.
        .target(
            name: "HyperMeshExtensions",
            dependencies: [
                "CHyperMeshABI", "HyperMeshErrors", "HyperMeshManifest", "HyperMeshResolver", "HyperMeshState", "HyperMeshTrust",
                "HyperMeshSecurity", "HyperMeshAudit", "HyperMeshWasm", "HyperMeshStrictJSON",
                // Isolated native extensions: the broker answers a worker's host calls (Isolated/).
                "HyperMeshSandbox",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                // HyperMeshHost is a Service an embedder puts in its ServiceGroup.
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // `http_request`: HTTP/1.1 and TLS (system roots plus the operator's CA bundle),
                // streamed bodies the byte quota and the bandwidth pacer act on, W3C trace context.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSwift),
        // The consensus host function set (`consensus_submit` answered by the node's prover and
        // validators); the CLI's node supplies it. Keeps HyperMeshConsensus out of the runtime core.
        .target(
            name: "HyperMeshConsensusFunctions",
            dependencies: ["HyperMeshExtensions", "HyperMeshConsensus", "HyperMeshAudit"],
            swiftSettings: strictSwift),
        // Isolated native extensions: the wire protocol between host and worker, the confinement a
        // worker applies to itself (rlimits, no_new_privs, seccomp, cgroups), the worker's loop and
        // the host's WorkerProcess. No Foundation: the worker stays small under its rlimits.
        // The worker's SIGSYS handler (signal-handler code belongs in C).
        .target(name: "CHyperMeshSandbox"),
        .target(name: "HyperMeshSandbox", dependencies: ["CHyperMeshABI", "CHyperMeshSandbox", "HyperMeshErrors"], swiftSettings: strictSwift),
        // The worker executable, started by the host with one socket.
        .executableTarget(name: "hypermesh-sandbox", dependencies: ["HyperMeshSandbox"], swiftSettings: strictSwift),
        // What a Swift extension author imports. Must stay small and must not depend on the host.
        .target(name: "HyperMeshExtensionKit", dependencies: ["CHyperMeshABI"], swiftSettings: strictSwift),
        // The node's admin API client, generated from docs/node-api.yaml (Sources/HyperMeshNodeClient/openapi.yaml
        // is a link to it) with swift-openapi-generator, over async-http-client on the node's Unix socket or TCP.
        // Also where a node listens (NodeEndpoint) and how the CLI reaches it (NodeClientFactory).
        .target(
            name: "HyperMeshNodeClient",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strictSwift,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]),
        // Packages as OCI artifacts; the verifying registry client (AsyncHTTPClient); the
        // content-addressed store under the state directory; the signed extension index; the lock file.
        .target(
            name: "HyperMeshRegistry",
            dependencies: [
                "HyperMeshErrors", "HyperMeshManifest", "HyperMeshTrust", "HyperMeshStrictJSON", "HyperMeshResolver",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // Blob files are written on NIO's thread pool, off the cooperative pool.
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift),
        // Rollouts in waves with health gates, wave assignment, peer selection (which peer, a registry
        // slot, or wait), and the deterministic simulator that runs them on thousands of simulated
        // nodes. Pure: no I/O, no clock (time is a parameter).
        .target(name: "HyperMeshRollout", dependencies: ["HyperMeshErrors"], swiftSettings: strictSwift),
        // A node's part in a fleet: the etcd v3 client (its JSON gateway, on AsyncHTTPClient), the
        // fleet's keys and records, the agent that follows rollouts, and pulls from peers first.
        .target(
            name: "HyperMeshFleet",
            dependencies: [
                "HyperMeshErrors", "HyperMeshRollout", "HyperMeshRegistry", "HyperMeshManifest",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift),
        // CLI commands (unit-tested). The commands that act on a running node use HyperMeshNodeClient.
        .target(
            name: "HyperMeshCLI",
            dependencies: [
                "HyperMeshExtensions", "HyperMeshErrors", "HyperMeshManifest", "HyperMeshTrust", "HyperMeshState",
                "HyperMeshSecurity", "HyperMeshAudit", "HyperMeshConsensus", "HyperMeshConsensusFunctions", "HyperMeshSandbox", "HyperMeshWasm",
                "HyperMeshNodeClient", "HyperMeshRegistry", "HyperMeshFleet", "HyperMeshRollout",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            swiftSettings: strictSwift),
        // The node (`hypermesh serve`): the admin API server generated from docs/node-api.yaml
        // (Sources/HyperMeshNode/openapi.yaml is a link to it) on Hummingbird, bearer-token and body-limit
        // middleware, Prometheus metrics, the package watcher, graceful shutdown. Also the root command
        // (HyperMeshCommand), which includes `serve`.
        .target(
            name: "HyperMeshNode",
            dependencies: [
                "HyperMeshCLI", "HyperMeshNodeClient", "HyperMeshExtensions", "HyperMeshErrors", "HyperMeshAudit", "HyperMeshRegistry",
                "HyperMeshSecurity", "HyperMeshConsensusFunctions", "HyperMeshStrictJSON", "HyperMeshFleet", "HyperMeshRollout",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // A second SIGTERM or SIGINT exits at once (NodeSignals).
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                // Spans exported over OTLP/HTTP when the operator asks for them (--otlp-endpoint).
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSwift,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]),
        // The tiny executable around the commands.
        .executableTarget(name: "hypermesh", dependencies: ["HyperMeshNode", "HyperMeshCLI"], swiftSettings: strictSwift),
        // The embedding example (docs/embedding.md): an app that embeds the host. Built with the
        // package so that a test runs it and it never rots.
        .executableTarget(
            name: "embedding-host", dependencies: ["HyperMeshExtensions", "HyperMeshManifest", "HyperMeshSecurity"],
            path: "Examples/embedding-host", exclude: ["README.md"], swiftSettings: strictSwift),
        // The reference extension, shipped as a shared library.
        .target(name: "CatalogExtension", dependencies: ["HyperMeshExtensionKit"], swiftSettings: strictSwift),
        // Test-only helpers: build C and Swift extensions from source, stage packages.
        .target(
            name: "HyperMeshTestSupport",
            dependencies: [
                "HyperMeshErrors", "HyperMeshManifest", "HyperMeshTrust", "HyperMeshSecurity",
                // Loopback HTTP and HTTPS servers with a test CA, for the `http_request` tests and benchmarks.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                // The registry fault proxy forwards to a local docker-registry.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strictSwift),

        // The fuzz harnesses (Fuzz/Harnesses): every parser the host runs on someone else's bytes,
        // with its invariants. Replayed by HyperMeshFuzzingTests; driven by libFuzzer through
        // `hypermesh-fuzz` (added below when scripts/fuzz.sh builds it).
        .target(
            name: "HyperMeshFuzzing",
            dependencies: [
                "HyperMeshErrors", "HyperMeshManifest", "HyperMeshResolver", "HyperMeshTrust", "HyperMeshSecurity",
                "HyperMeshSandbox", "HyperMeshWasm", "HyperMeshRegistry",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Fuzz/Harnesses",
            swiftSettings: strictSwift),

        .testTarget(name: "HyperMeshErrorsTests", dependencies: ["HyperMeshErrors"], swiftSettings: strictSwift),
        .testTarget(name: "HyperMeshResolverTests", dependencies: ["HyperMeshResolver", "HyperMeshManifest", "HyperMeshErrors", "HyperMeshFuzzing"], swiftSettings: strictSwift),
        .testTarget(name: "HyperMeshStrictJSONTests", dependencies: ["HyperMeshStrictJSON"], swiftSettings: strictSwift),
        .testTarget(
            name: "HyperMeshTrustTests",
            dependencies: [
                "HyperMeshTrust", "HyperMeshTestSupport",
                .product(name: "X509", package: "swift-certificates"),
                // Builds hostile archives in the tests (the production code uses it only in HyperMeshTrust).
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: strictSwift),
        .testTarget(
            name: "HyperMeshManifestTests", dependencies: ["HyperMeshManifest", "HyperMeshStrictJSON", "HyperMeshTestSupport"], exclude: ["Examples"],
            swiftSettings: strictSwift),
        .testTarget(name: "HyperMeshSecurityTests", dependencies: ["HyperMeshSecurity", "HyperMeshManifest", "HyperMeshErrors"], swiftSettings: strictSwift),
        .testTarget(
            name: "HyperMeshAuditTests",
            dependencies: ["HyperMeshAudit", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSwift),
        .testTarget(
            name: "HyperMeshWasmTests",
            dependencies: ["HyperMeshWasm", "HyperMeshManifest", "HyperMeshTestSupport"],
            swiftSettings: strictSwift),
        .testTarget(name: "HyperMeshConsensusTests", dependencies: ["HyperMeshConsensus"], swiftSettings: strictSwift),
        .testTarget(name: "HyperMeshStateTests", dependencies: ["HyperMeshState"], swiftSettings: strictSwift),
        .testTarget(
            name: "HyperMeshExtensionsTests",
            dependencies: [
                "HyperMeshExtensions", "HyperMeshTestSupport", "HyperMeshTrust", "HyperMeshSandbox",
                "HyperMeshSecurity", "HyperMeshAudit", "HyperMeshConsensus", "HyperMeshConsensusFunctions", "HyperMeshWasm",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift),
        .testTarget(
            name: "HyperMeshCLITests",
            dependencies: [
                "HyperMeshCLI", "HyperMeshNode", "HyperMeshNodeClient", "HyperMeshTestSupport", "HyperMeshTrust", "HyperMeshSecurity", "HyperMeshManifest", "HyperMeshAudit",
                "HyperMeshErrors", "HyperMeshExtensions", "HyperMeshConsensus", "HyperMeshState", "HyperMeshWasm", "HyperMeshSandbox", "HyperMeshRegistry", "HyperMeshResolver",
                "HyperMeshFleet", "HyperMeshRollout",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSwift),
        // The admin API in process (HummingbirdTesting, through the generated client), the document
        // checked by openapi-spec-validator and schemathesis run against a live node.
        .testTarget(
            name: "HyperMeshNodeTests",
            dependencies: [
                "HyperMeshNode", "HyperMeshNodeClient", "HyperMeshCLI", "HyperMeshTestSupport", "HyperMeshErrors",
                "HyperMeshExtensions", "HyperMeshSecurity", "HyperMeshManifest", "HyperMeshAudit", "HyperMeshRegistry",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            exclude: ["schemathesis.toml"],
            swiftSettings: strictSwift),
        .testTarget(name: "HyperMeshExtensionKitTests", dependencies: ["HyperMeshExtensionKit", "CHyperMeshABI"], swiftSettings: strictSwift),
        .testTarget(
            name: "HyperMeshSandboxTests",
            dependencies: ["HyperMeshSandbox", "HyperMeshTestSupport"],
            swiftSettings: strictSwift),
        .testTarget(
            name: "CatalogExtensionTests",
            dependencies: [
                "HyperMeshExtensions", "HyperMeshState", "HyperMeshTestSupport", "HyperMeshConsensus", "HyperMeshConsensusFunctions",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSwift),
        .testTarget(name: "HyperMeshRolloutTests", dependencies: ["HyperMeshRollout", "HyperMeshErrors"], swiftSettings: strictSwift),
        // The etcd client against a real etcd (Debian's etcd-server 3.4), started by each test.
        .testTarget(
            name: "HyperMeshFleetTests",
            dependencies: [
                "HyperMeshFleet", "HyperMeshRollout", "HyperMeshTestSupport", "HyperMeshErrors", "HyperMeshRegistry",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSwift),
        .testTarget(
            name: "HyperMeshFuzzingTests",
            dependencies: ["HyperMeshFuzzing", "HyperMeshTestSupport"],
            swiftSettings: strictSwift),
        .testTarget(
            name: "HyperMeshRegistryTests",
            dependencies: ["HyperMeshRegistry", "HyperMeshTestSupport", "HyperMeshTrust", "HyperMeshManifest", "HyperMeshErrors"],
            swiftSettings: strictSwift),
    ]
)

// Coverage-guided fuzzing (scripts/fuzz.sh, docs/reliability.md). With HYPERMESH_FUZZ_RUNTIME set
// to libFuzzer's runtime without a main (libclang_rt.fuzzer_no_main, which scripts/fuzz.sh finds
// in the toolchain), the parsers and the harnesses are compiled with -sanitize=fuzzer,address and
// the `hypermesh-fuzz` driver is added. Only these targets are instrumented, so a fuzz build in
// the ordinary build folder reuses most of it (2.5 to 5.5 minutes here, against about 20 from
// scratch). What the fuzzer cannot see into: the parsers of swift-certificates, WasmKit and NIO,
// which it still runs. The driver's main calls LLVMFuzzerRunDriver: SwiftPM gives every executable its own
// main, so libFuzzer's is left out.
if let fuzzerRuntime = Context.environment["HYPERMESH_FUZZ_RUNTIME"], !fuzzerRuntime.isEmpty {
    let instrumented: Set<String> = [
        "HyperMeshErrors", "HyperMeshStrictJSON", "HyperMeshManifest", "HyperMeshResolver", "HyperMeshTrust",
        "HyperMeshSecurity", "HyperMeshSandbox", "HyperMeshWasm", "HyperMeshRegistry", "HyperMeshFuzzing",
    ]
    let sanitize = SwiftSetting.unsafeFlags(["-sanitize=fuzzer,address"])
    for target in package.targets where instrumented.contains(target.name) {
        target.swiftSettings = (target.swiftSettings ?? []) + [sanitize]
    }
    package.targets.append(.executableTarget(
        name: "hypermesh-fuzz", dependencies: ["HyperMeshFuzzing"], path: "Fuzz/Driver",
        swiftSettings: strictSwift + [sanitize],
        linkerSettings: [.unsafeFlags(["-sanitize=address", "-Xlinker", fuzzerRuntime, "-lstdc++"])]))
}

// The suite under a sanitizer with the dependencies left as they are (scripts/sanitize.sh
// --ours-only): HYPERMESH_SANITIZE=thread or address compiles and links this package's Swift
// targets with -sanitize=…, reusing the dependencies' ordinary objects. Faster than
// `swift test --sanitize=…` (which rebuilds every dependency), but blind inside the dependencies:
// ThreadSanitizer does not see their memory accesses, nor synchronization done only with atomics
// there (locks are intercepted everywhere, so those are seen).
if let sanitizer = Context.environment["HYPERMESH_SANITIZE"], ["thread", "address"].contains(sanitizer) {
    for target in package.targets where target.type != .system && target.type != .binary && target.type != .plugin
        && !["CHyperMeshABI", "CHyperMeshSandbox"].contains(target.name) {
        target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-sanitize=\(sanitizer)"])]
        target.linkerSettings = (target.linkerSettings ?? []) + [.unsafeFlags(["-sanitize=\(sanitizer)"])]
    }
}
