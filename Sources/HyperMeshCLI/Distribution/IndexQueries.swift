import ArgumentParser
import Foundation
import HyperMeshManifest
import HyperMeshRegistry
import HyperMeshResolver

/// `hypermesh ext search TEXT`
public struct SearchExtensions: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the signed index by id, name, description, tag or requested capability.",
        discussion: "Case-insensitive substring match. With --json, stdout holds [{id, name, description, tags, latest, capabilities, compatible}].")

    @Argument(help: "The text to look for.") public var text: String
    @OptionGroup public var host: HostOptions
    @OptionGroup public var distribution: DistributionOptions
    @OptionGroup public var format: OutputOptions

    public init() {}

    struct Match: Codable {
        var id: String
        var name: String
        var description: String?
        var tags: [String]
        /// The highest version this host can install, if any.
        var latest: String?
        var capabilities: [String]
        var compatible: Bool
    }

    public func run() async throws {
        try await DistributionContext.command(host: host, distribution: distribution, format: format) { context -> [Match] in
            let document = try await IndexLoading.load(distribution.resolvedIndex(), context: context).index.document
            let universe = IndexUniverse(document: document, hostABI: HostABI.version, platform: .current)
            let needle = text.lowercased()
            return document.extensions.sorted { $0.key < $1.key }.compactMap { id, entry in
                let capabilities = Set(entry.versions.values.flatMap(\.capabilities)).sorted()
                let haystack = ([id, entry.name, entry.description ?? ""] + entry.tags + capabilities).map { $0.lowercased() }
                guard haystack.contains(where: { $0.contains(needle) }) else { return nil }
                let usable = universe.candidates(of: id).filter { $0.exclusion == nil && $0.version.prerelease.isEmpty }.map(\.version).max()
                return Match(id: id, name: entry.name, description: entry.description, tags: entry.tags, latest: usable?.description,
                             capabilities: capabilities, compatible: usable != nil)
            }
        } text: { matches in
            if matches.isEmpty { Console.current.out("no extension matches '\(text)'") }
            for match in matches {
                Console.current.out("\(match.id) \(match.latest ?? "(no version for this host)")  \(match.description ?? "")\(match.tags.isEmpty ? "" : "  [\(match.tags.joined(separator: ", "))]")")
            }
        }
    }
}

/// `hypermesh ext info ID`
public struct IndexedExtensionInfo: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show an extension's versions in the index and whether each can run on this host.",
        discussion: "With --json, stdout holds {id, name, description, tags, repository, installed, versions:[{version, compatible, reason, yanked, abi, dependencies, capabilities, platforms}]}.")

    @Argument(help: "The extension id.") public var id: String
    @OptionGroup public var host: HostOptions
    @OptionGroup public var distribution: DistributionOptions
    @OptionGroup public var format: OutputOptions

    public init() {}

    struct Output: Codable {
        struct Version: Codable {
            var version: String
            var compatible: Bool
            /// Why this host cannot use it.
            var reason: String?
            var yanked: Bool
            var abi: String
            var dependencies: [String: String]
            var capabilities: [String]
            var platforms: [String]
        }
        var id: String
        var name: String
        var description: String?
        var tags: [String]
        var repository: String
        var installed: String?
        var versions: [Version]
    }

    public func run() async throws {
        try await DistributionContext.command(host: host, distribution: distribution, format: format) { context -> Output in
            let document = try await IndexLoading.load(distribution.resolvedIndex(), context: context).index.document
            guard let entry = document.extensions[id] else {
                throw IndexError(.entryUnknown, subject: id, "the index '\(document.name)' does not list this extension; try `hypermesh ext search`")
            }
            let universe = IndexUniverse(document: document, hostABI: HostABI.version, platform: .current)
            let installed = try await InstalledPackages.manifests(in: context.store)[id]
            let versions = entry.versions.compactMap { text, version -> (SemanticVersion, Output.Version)? in
                guard let semantic = try? SemanticVersion(parsing: text) else { return nil }
                let reason = universe.exclusion(of: version, id: id, version: semantic)
                return (semantic, Output.Version(version: text, compatible: reason == nil, reason: reason, yanked: version.yanked, abi: version.abi.description,
                                                 dependencies: version.dependencies, capabilities: version.capabilities, platforms: version.artifacts.keys.sorted()))
            }.sorted { $0.0 > $1.0 }.map(\.1)
            return Output(id: id, name: entry.name, description: entry.description, tags: entry.tags, repository: entry.repository,
                            installed: installed?.version.description, versions: versions)
        } text: { output in
            let console = Console.current
            console.out("\(output.id) (\(output.name)) from \(output.repository)\(output.installed.map { "; installed: \($0)" } ?? "")")
            if let description = output.description { console.out(description) }
            for version in output.versions {
                let dependencies = version.dependencies.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                console.out("  \(version.version): \(version.compatible ? "compatible" : "not for this host: \(version.reason ?? "")")  abi \(version.abi)  \(dependencies.isEmpty ? "no dependencies" : "needs \(dependencies)")  requests \(version.capabilities.joined(separator: ", "))")
            }
        }
    }
}

/// `hypermesh ext outdated`
public struct OutdatedExtensions: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "outdated",
        abstract: "List installed extensions for which the index has a newer version this host can use.",
        discussion: "`latest` ignores the other installed extensions' ranges; `ext update --dry-run` shows what can actually move. With --json, stdout holds [{id, installed, latest}].")

    @OptionGroup public var host: HostOptions
    @OptionGroup public var distribution: DistributionOptions
    @OptionGroup public var format: OutputOptions

    public init() {}

    struct Row: Codable {
        var id: String
        var installed: String
        var latest: String
    }

    public func run() async throws {
        try await DistributionContext.command(host: host, distribution: distribution, format: format) { context -> [Row] in
            var rows: [Row] = []
            let document = try await IndexLoading.load(distribution.resolvedIndex(), context: context).index.document
            let universe = IndexUniverse(document: document, hostABI: HostABI.version, platform: .current)
            for (id, manifest) in try await InstalledPackages.manifests(in: context.store).sorted(by: { $0.key < $1.key }) {
                let latest = universe.candidates(of: id).filter { $0.exclusion == nil && $0.version.prerelease.isEmpty }.map(\.version).max()
                if let latest, latest > manifest.version {
                    rows.append(Row(id: id, installed: manifest.version.description, latest: latest.description))
                }
            }
            return rows
        } text: { rows in
            if rows.isEmpty { Console.current.out("every installed extension is at the newest version the index offers for this host") }
            for row in rows { Console.current.out("\(row.id): \(row.installed) -> \(row.latest)") }
        }
    }
}

/// `hypermesh ext update [ID…]`
public struct UpdateExtensions: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Move installed extensions (all, or the ones named) to the newest versions the resolver allows.",
        discussion: """
            Resolved like `ext install`, with the named extensions (or all) free to move up and the
            others kept where they are unless a dependency requires otherwise. The previous version
            of each stays pinned in the store for `ext rollback`. A node started with --watch
            hot-reloads each changed extension through its canary. --json: as `ext install`.
            """)

    @Argument(help: "Extension ids; none means every installed one.") public var ids: [String] = []
    @Flag(help: "Grant changed extensions the capabilities they request.") public var grant = false
    @Flag(name: .customLong("dry-run"), help: "Show the plan and stop.") public var dryRun = false
    @OptionGroup public var host: HostOptions
    @OptionGroup public var distribution: DistributionOptions
    @OptionGroup public var format: OutputOptions

    public init() {}

    public func run() async throws {
        let context: DistributionContext
        do { context = try await DistributionContext.open(host: host, distribution: distribution) } catch { throw CommandFailure.report(error, json: format.json) }
        do {
            let document = try await IndexLoading.load(distribution.resolvedIndex(), context: context).index.document
            let installed = try await InstalledPackages.manifests(in: context.store)
            for id in ids where installed[id] == nil {
                throw RegistryError(.notFound, subject: id, "the extension is not installed from the store; use `ext install`")
            }
            let upgrade = Set(ids.isEmpty ? Array(installed.keys) : ids)
            let plan = try await InstallExtension.resolve(requests: [:], upgrade: upgrade, document: document, context: context)
            Installation.show(plan, grant: grant)
            if dryRun {
                await context.close()
                Installation.print([], plan: plan, json: format.json)
                return
            }
            let results = try await Installation.execute(plan, context: context, host: host, grant: grant) { item in try context.registries.source(forRepository: item.repository) }
            await context.close()
            Installation.print(results, plan: plan, json: format.json)
        } catch {
            await context.close()
            throw CommandFailure.report(error, json: format.json)
        }
    }
}
