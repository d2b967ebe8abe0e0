import ArgumentParser
import Foundation
import HyperMeshFleet
import HyperMeshManifest
import HyperMeshRegistry
import HyperMeshRollout

/// `hypermesh fleet rollout ID@VERSION`
public struct FleetRollout: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Start rolling a version out across the fleet, in waves held by a health gate.",
        discussion: """
            Resolves ID@VERSION to an artifact pinned by digest (from the signed index, --index or
            $HYPERMESH_INDEX, or from a registry reference with --from), for --platform (default
            this host's), then writes the rollout record in one etcd transaction (refused while
            another rollout of the extension is neither complete, rolled back nor aborted).

            The nodes do the rest (docs/fleet.md): every node whose labels match --label prefetches
            and verifies the version (peers first, then the registry); once all have it, wave 1
            activates, and each wave must stay healthy for --health-window seconds (health not
            failing, error rate at most --max-error-rate over at least --min-calls calls, at most
            --max-violations violations) before the next opens. An unhealthy node rolls the whole
            fleet back to the previous version, from the nodes' stores. A node's wave is a stable
            function of its id and the rollout id.

            --wait follows the rollout to its end, printing each phase on stderr, and fails
            (fleet.rolled_back) if it is rolled back or aborted. With --json, stdout holds the
            rollout's summary (as `fleet status`).
            """)

    @Argument(help: ArgumentHelp("The extension and version to roll out.", valueName: "id@version")) public var target: String
    @Option(name: .customLong("from"), help: ArgumentHelp("Take the artifact from this registry reference instead of the index.", valueName: "registry/repository:tag"))
    public var from: String?
    @Option(help: ArgumentHelp("The waves, as cumulative shares of the matching nodes.", valueName: "shares")) public var waves: String = "1%,10%,50%,100%"
    @Option(name: .customLong("label"), help: ArgumentHelp("Only nodes with this label (repeatable).", valueName: "name=value")) public var labels: [String] = []
    @Option(name: .customLong("health-window"), help: "Seconds each wave must stay healthy before the next opens (default 30).") public var healthWindow: Double = 30
    @Option(name: .customLong("max-error-rate"), help: "The highest error rate a node may report (default 0.05).") public var maxErrorRate: Double = 0.05
    @Option(name: .customLong("min-calls"), help: "Calls a node must have seen before its error rate counts (default 20).") public var minCalls: Int = 20
    @Option(name: .customLong("max-violations"), help: "Violations a node may report (default 0).") public var maxViolations: Int = 0
    @Option(help: ArgumentHelp("The platform of the artifact (default: this host's).", valueName: "os/arch")) public var platform: String?
    @Flag(help: "Follow the rollout until it completes, is rolled back or aborted.") public var wait = false
    @Option(help: "With --wait: give up waiting after this many seconds (default 600; the rollout goes on).") public var timeout: Int = 600
    @OptionGroup public var host: HostOptions
    @OptionGroup public var distribution: DistributionOptions
    @OptionGroup public var fleet: FleetOptions
    @OptionGroup public var format: OutputOptions

    public init() {}

    public func validate() throws {
        guard target.split(separator: "@").count == 2 else { throw ValidationError("name what to roll out as ID@VERSION, not '\(target)'") }
        _ = try parsedWaves()
        _ = try parsedLabels()
        guard healthWindow >= 0, maxErrorRate >= 0, maxErrorRate <= 1, minCalls >= 0, maxViolations >= 0 else {
            throw ValidationError("--health-window, --min-calls and --max-violations must be 0 or more; --max-error-rate between 0 and 1")
        }
    }

    func parsedWaves() throws -> WaveShares {
        do { return try WaveShares(parsing: waves) } catch { throw ValidationError("--waves \(waves): \(error.message)") }
    }

    func parsedLabels() throws -> [String: String] {
        var parsed: [String: String] = [:]
        for label in labels.flatMap({ $0.split(separator: ",").map(String.init) }) {
            let parts = label.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, FleetKeys.isValidName(parts[0]), FleetKeys.isValidName(parts[1]) else {
                throw ValidationError("--label \(label): expected name=value (A-Z a-z 0-9 . _ -)")
            }
            parsed[parts[0]] = parts[1]
        }
        return parsed
    }

    public func run() async throws {
        let parts = target.split(separator: "@").map(String.init)
        let (id, versionText) = (parts[0], parts[1])
        let waves = try parsedWaves()
        let labels = try parsedLabels()
        let gate = HealthGate(windowSeconds: healthWindow, maxErrorRate: maxErrorRate, minimumCalls: minCalls, maxViolations: maxViolations)
        try await DistributionContext.command(host: host, distribution: distribution, format: format) { context -> FleetRolloutSummary in
            let version = try SemanticVersion(parsing: versionText)
            let platform = try platform.map { try OCIPlatform(parsing: $0) } ?? .current
            let reference = try await resolve(id: id, version: version, platform: platform, context: context)
            guard let digest = reference.digest else { throw FleetError(.configurationInvalid, subject: target, "the artifact could not be pinned") }
            let record = try await fleet.withFleet { state -> RolloutRecord in
                let existing = try await state.rollout(extensionID: id)
                if let existing, !existing.record.phase.isFinal {
                    throw FleetError(.rolloutConflict, subject: "rollout of \(id)",
                                     "rollout \(existing.record.id) of \(id) \(existing.record.version) is still \(existing.record.phase.describe(waveCount: existing.record.waves.percentages.count)); abort it or wait for it to end")
                }
                let nodes = try await state.nodes().filter { node in labels.allSatisfy { node.labels[$0.key] == $0.value } }
                let running = nodes.compactMap { $0.extensions.first(where: { $0.id == id })?.version }.filter { $0 != version.description }
                let previous = Dictionary(grouping: running, by: { $0 }).max { $0.value.count < $1.value.count }?.key
                let record = try RolloutRecord.make(
                    id: "\(id)-\(version)-\(UUID().uuidString.prefix(8).lowercased())", extensionID: id, version: version.description,
                    reference: reference.description, digest: digest.description, previousVersion: previous,
                    waves: waves, labels: labels, gate: gate, now: Date())
                try await state.createRollout(record, replacing: existing)
                return record
            }
            try context.record(id, "fleet rollout \(record.id) of \(id) \(version) started (waves \(waves), \(reference))",
                               details: ["action": "fleet_rollout", "rollout": record.id, "digest": digest.description])
            Console.current.err("rollout \(record.id): \(id) \(record.previousVersion.map { "\($0) -> " } ?? "")\(version), waves \(waves)")
            guard wait else { return FleetRolloutSummary(record) }
            return try await follow(extensionID: id, rolloutID: record.id)
        } text: { summary in
            summary.printText()
        }
    }

    /// The artifact for `id` `version` on `platform`, pinned by digest: from --from or the index.
    func resolve(id: String, version: SemanticVersion, platform: OCIPlatform, context: DistributionContext) async throws -> OCIReference {
        if let from {
            let location = try ArtifactLocation(parsing: from)
            guard case .registry = location.kind else { throw ValidationError("--from: a fleet pulls from a registry, not \(from)") }
            let published = try await PublishedPackage.read(location, registries: context.registries)
            guard published.manifest.id == id, published.manifest.version.hasSamePrecedence(as: version) else {
                throw RegistryError(.packageMismatch, subject: from, "the artifact holds \(published.manifest.id) \(published.manifest.version), not \(id) \(version)")
            }
            guard let digest = published.artifacts[platform.description] ?? published.artifacts[IndexedVersion.anyPlatform] else {
                throw RegistryError(.platformUnavailable, subject: from, "no build for \(platform) (offered: \(published.artifacts.keys.sorted().joined(separator: ", ")))")
            }
            return location.reference.pinned(to: digest)
        }
        let loaded = try await IndexLoading.load(distribution.resolvedIndex(), context: context)
        guard let indexed = loaded.index.document.extensions[id] else {
            throw IndexError(.entryUnknown, subject: id, "the index \(loaded.index.document.name) has no extension \(id)")
        }
        guard let entry = indexed.versions.first(where: { (try? SemanticVersion(parsing: $0.key))?.hasSamePrecedence(as: version) == true })?.value else {
            throw IndexError(.entryUnknown, subject: "\(id) \(version)", "the index has no version \(version) of \(id) (it has \(indexed.versions.keys.sorted().joined(separator: ", ")))")
        }
        guard !entry.yanked else { throw IndexError(.entryUnknown, subject: "\(id) \(version)", "\(id) \(version) is yanked from the index") }
        guard let digest = entry.artifact(for: platform) else {
            throw RegistryError(.platformUnavailable, subject: "\(id) \(version)", "the index has no build of \(id) \(version) for \(platform)")
        }
        let location = try ArtifactLocation(parsing: indexed.repository)
        guard case .registry = location.kind else { throw ValidationError("\(id) is published at \(indexed.repository): a fleet pulls from a registry") }
        return location.reference.pinned(to: digest)
    }

    /// Polls the rollout once a second until it is final or --timeout passes; each new phase on stderr.
    func follow(extensionID: String, rolloutID: String) async throws -> FleetRolloutSummary {
        let deadline = ContinuousClock.now + .seconds(timeout)
        var lastPhase = ""
        while ContinuousClock.now < deadline {
            let summary = try await fleet.withFleet { state -> FleetRolloutSummary? in
                try await FleetStatus.summaries(state, extensionID: extensionID).rollouts.first { $0.id == rolloutID }
            }
            guard let summary else { throw FleetError(.rolloutUnknown, subject: rolloutID, "the rollout was replaced while it was followed") }
            if summary.phase != lastPhase {
                lastPhase = summary.phase
                let active = summary.nodes.filter { $0.stage == "active" }.count
                Console.current.err("rollout \(rolloutID): \(summary.phase) (\(active)/\(summary.nodes.count) nodes active)\(summary.reason.map { " — \($0)" } ?? "")")
            }
            switch summary.state {
            case "complete": return summary
            case "rolled_back", "aborted":
                throw FleetError(.rolledBack, subject: rolloutID, "the rollout was \(summary.phase): \(summary.reason ?? "no reason recorded")")
            default: try await Task.sleep(for: .seconds(1))
            }
        }
        throw FleetError(.waitTimedOut, subject: rolloutID, "the rollout did not end within \(timeout) s; it goes on (`hypermesh fleet status \(extensionID)`)")
    }
}
