import HyperMeshNodeClient
import ArgumentParser
import HyperMeshExtensions
import HyperMeshManifest
import HyperMeshSecurity

/// `hypermesh ext inspect ID`: everything the host knows about one extension.
public struct InspectExtension: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show an extension's manifest, state, capabilities, quotas (and what enforces each), dependencies and files.",
        discussion: "With --activate the extension (and its dependencies) is loaded and activated first, so health, metrics and handled asset types are shown too; everything is unloaded afterwards.")

    @OptionGroup public var host: HostOptions
    @Argument(help: "The extension id.") public var id: String
    @Flag(help: "Load and activate the extension first, to show runtime information.") public var activate = false
    @OptionGroup public var format: OutputOptions

    public init() {}

    package struct Output: Codable {
        var id, name, version, kind, category, entry, state, directory: String
        var description: String?
        var authors: [String]?
        var license: String?
        var abi: String
        var declaredCapabilities: [String]
        var grantedCapabilities: [String]
        var refusedCapabilities: [String]
        var pendingCapabilities: [String]
        var grantSource: String
        var networkHosts: [String]
        var suspension: String?
        var security: SecuritySnapshot?
        var quotas: [QuotaEnforcement]
        var dependencies: [String: String]
        var files: [String: String]
        var filesVerified: Bool
        var assetTypes: [String]
        var health: ExtensionHealth?
        var metrics: ExtensionMetrics.Snapshot
        var hostCalls: Int
        var hostDenials: Int
        var pinnedInMemory: Bool?
        var verification: VerificationOutput
        var wasm: WasmDetails?
        var isolation: String?
        var confinement: [String]?
        var confinementLayers: [String]?
        /// Isolated extensions: restarts made and worker failures inside the supervisor's window.
        var workerRestarts: Int?
        var recentWorkerFailures: Int?
    }

    public func run() async throws {
        var session: HostSession?
        var output: Output
        do {
            if let node = try await NodeConnection.client(for: host) {
                if activate {
                    try await node.perform("POST /v1/extensions/\(id)/activate") { client in
                        switch try await client.activateExtension(path: .init(id: id)) {
                        case .ok: return
                        case let other: throw NodeConnection.unexpected("POST /v1/extensions/\(id)/activate", other)
                        }
                    }
                }
                output = try await node.perform("GET /v1/extensions/\(id)") { client in
                    switch try await client.inspectExtension(path: .init(id: id)) {
                    case .ok(let answer): return try NodeDocument.convert(try answer.body.json)
                    case let other: throw NodeConnection.unexpected("GET /v1/extensions/\(id)", other)
                    }
                }
            } else {
                let opened = try await HostSession.open(host)
                session = opened
                output = try await ExtensionDocuments.inspect(opened, id: id, activate: activate, policyFile: host.resolvedPolicyFile())
                await opened.host.shutdown()
            }
        } catch {
            await session?.host.shutdown()
            throw CommandFailure.report(error, json: format.json)
        }
        if format.json {
            Console.current.out(JSONOutput.string(output))
        } else {
            Console.current.out(Self.text(output))
        }
    }

    package static func output(for info: ExtensionInfo) -> Output {
        let manifest = info.manifest
        return Output(
            id: manifest.id, name: manifest.name, version: manifest.version.description, kind: manifest.kind.rawValue,
            category: manifest.category, entry: manifest.entry, state: info.state.description, directory: info.directory,
            description: manifest.description, authors: manifest.authors, license: manifest.license,
            abi: manifest.abi.description,
            declaredCapabilities: manifest.capabilities.map(\.rawValue),
            grantedCapabilities: info.grantedCapabilities.map(\.rawValue),
            refusedCapabilities: info.grant.refused.map(\.rawValue).sorted(),
            pendingCapabilities: info.grant.pending.map(\.rawValue).sorted(),
            grantSource: "declared in the manifest ∩ the operator's policy",
            networkHosts: manifest.networkHosts, suspension: info.suspension, security: info.security,
            quotas: QuotaEnforcement.report(for: manifest, quotas: info.quotas, wasmFuelPerMillisecond: info.wasm?.fuelPerMillisecond,
                                            isolation: info.isolation.flatMap(Isolation.init(rawValue:)), cgroupCPU: info.cgroupCPU),
            dependencies: manifest.dependencies.mapValues(\.description),
            files: manifest.files, filesVerified: true,
            assetTypes: info.assetTypes, health: info.health, metrics: info.metrics,
            hostCalls: info.hostCalls, hostDenials: info.hostDenials, pinnedInMemory: info.pinnedInMemory,
            verification: VerificationOutput(info.verification), wasm: info.wasm,
            isolation: info.isolation, confinement: info.confinement, confinementLayers: info.confinementLayers,
            workerRestarts: info.isolation == "process" ? info.workerRestarts : nil,
            recentWorkerFailures: info.isolation == "process" ? info.recentWorkerFailures : nil)
    }

    package static func text(_ output: Output) -> String {
        var lines = [
            "\(output.name) (\(output.id)) \(output.version)",
            "  state:        \(output.state)",
            "  kind:         \(output.kind), entry \(output.entry), host ABI \(output.abi)",
            "  category:     \(output.category)",
            "  package:      \(output.directory) (\(output.files.count) file(s), digests verified)",
        ]
        lines.append("  verification:")
        lines.append(output.verification.text(indent: "    "))
        if let description = output.description { lines.append("  description:  \(description)") }
        if let authors = output.authors { lines.append("  authors:      \(authors.joined(separator: ", "))") }
        if let license = output.license { lines.append("  license:      \(license)") }
        if let suspension = output.suspension { lines.append("  SUSPENDED:    \(suspension) — resume with `hypermesh ext resume \(output.id)`") }
        lines.append("  granted:      \(output.grantedCapabilities.isEmpty ? "none" : output.grantedCapabilities.joined(separator: ", ")) — \(output.grantSource)")
        if !output.refusedCapabilities.isEmpty { lines.append("  refused:      \(output.refusedCapabilities.joined(separator: ", "))") }
        if !output.pendingCapabilities.isEmpty {
            lines.append("  PENDING:      \(output.pendingCapabilities.joined(separator: ", ")) — not activated until granted: hypermesh ext grant \(output.id) \(output.pendingCapabilities.joined(separator: " "))")
        }
        if !output.networkHosts.isEmpty { lines.append("  network:      \(output.networkHosts.joined(separator: ", "))") }
        lines.append("  dependencies: \(output.dependencies.isEmpty ? "none" : output.dependencies.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
        if let wasm = output.wasm { lines.append(contentsOf: wasmText(wasm)) }
        if let isolation = output.isolation {
            lines.append("  isolation:    \(isolation == "process" ? "process (a hypermesh-sandbox worker)" : "in-process (trusted code: shares the host's memory and descriptors)")")
        }
        if let layers = output.confinementLayers {
            lines.append("  layers:       " + layers.joined(separator: "\n                "))
        }
        if let confinement = output.confinement {
            lines.append("  confinement:  " + confinement.joined(separator: "\n                "))
        }
        if let restarts = output.workerRestarts, let failures = output.recentWorkerFailures {
            lines.append("  supervision:  \(restarts) restart(s); \(failures) worker failure(s) in the crash-loop window")
        }
        lines.append("  quotas:")
        let rows = output.quotas.map { ["    \($0.quota)", $0.declared.map(String.init) ?? "default", $0.level.rawValue, $0.mechanism] }
        lines.append(TextTable.render(rows))
        if let health = output.health {
            lines.append("  health:       \(health.status.rawValue)\(health.detail.map { " — \($0)" } ?? "") (error rate \(health.observedErrorRate) over \(health.observedCalls) call(s))")
            lines.append("  asset types:  \(output.assetTypes.isEmpty ? "none" : output.assetTypes.joined(separator: ", "))")
            lines.append("  host API:     \(output.hostCalls) call(s), \(output.hostDenials) denied")
            if let security = output.security {
                let violations = security.violations.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                lines.append("  security:     CPU \(security.cpuMillisecondsUsed) ms, network \(security.networkBytesUsed) B, violations: \(violations.isEmpty ? "none" : violations.joined(separator: ", "))")
                if let throttled = security.cpuShareThrottledCalls {
                    lines.append("  CPU share:    \(throttled) call(s) throttled (waited for the share), \(security.cpuShareRefusedCalls ?? 0) refused (synchronous callers)")
                }
                if let anomaly = security.lastAnomaly { lines.append("  last anomaly: \(anomaly)") }
            }
            if let pinned = output.pinnedInMemory {
                lines.append("  unload:       \(pinned ? "Swift image: stays mapped after unload (RTLD_NODELETE)" : "C image: unmapped on unload")")
            }
        }
        return lines.joined(separator: "\n")
    }

    package static func wasmText(_ wasm: WasmDetails) -> [String] {
        var lines = [
            "  wasm limits:  \(wasm.fuelPerCall) fuel per call (\(wasm.fuelPerMillisecond) fuel/ms on this machine), deadline \(wasm.deadlineMilliseconds) ms, memory \(wasm.memoryLimitBytes) B, tables \(wasm.tableElementLimit) elements",
        ]
        if let engine = wasm.engine {
            lines.append("  wasm engine:  \(engine.engine.rawValue) (\(engine.reason))"
                         + (wasm.compileSeconds.map { $0 > 0 ? "; compiled in \(($0 * 100).rounded() / 100) s" : "; compiled library from the cache" } ?? ""))
        }
        if let imports = wasm.imports { lines.append("  wasm imports: \(imports.isEmpty ? "none" : imports.joined(separator: ", "))") }
        if let problem = wasm.moduleProblem { lines.append("  wasm module:  cannot be read: \(problem)") }
        if let total = wasm.fuelUsedTotal {
            lines.append("  fuel used:    \(total) in all, \(wasm.fuelUsedLastCall ?? 0) by the last call"
                         + (wasm.memoryBytesInUse.map { "; linear memory now \($0) B" } ?? ""))
        }
        return lines
    }
}
