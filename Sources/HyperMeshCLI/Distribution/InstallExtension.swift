import ArgumentParser
import Foundation
import HyperMeshManifest
import HyperMeshRegistry
import HyperMeshResolver

/// `hypermesh ext install ID[@RANGE]…|LOCATION`
public struct InstallExtension: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Resolve, fetch, verify and install extensions with their dependencies.",
        discussion: """
            By id (from the signed index, --index or $HYPERMESH_INDEX):
              hypermesh ext install org.example.hello@^1.2 --index localhost:5000/hypermesh/index
            The resolver (PubGrub) picks the highest versions compatible with this host (ABI,
            platform, not yanked) and with every installed extension, before anything is
            downloaded; when none exists it explains why as a chain of reasons. The plan (each
            extension, its version, the capabilities it requests) goes to stderr first.

            By location, one package whose dependencies are already installed:
              hypermesh ext install localhost:5000/ext/hello:1.2.0
              hypermesh ext install oci:/media/usb/hello:1.2.0

            Then: every package is fetched into the store (only blobs it lacks; each checked by
            digest) and verified against the trust store; a failure installs nothing. Then each is
            put in place under installed/ in load order, the lock file records id, version and digest,
            and the audit log records each install. Capabilities still need a grant: --grant grants
            what the plan shows. A node started with `serve --watch` registers new extensions and
            hot-reloads changed ones through their canary.

            --locked installs exactly the lock file (from the store when it has the digests, so
            with no request at all; a tag moved or an index changed since does not matter).

            With --json, stdout holds {index, plan:[{id,version,action,installedVersion,repository,
            digest,platform,capabilities}], installed:[{id,version,action,previous,digest,
            transferred,bytes,capabilities,granted}]}.
            """)

    @Argument(help: "ID, ID@RANGE (e.g. org.example.hello@^1.2), or a package location.")
    public var targets: [String] = []
    @Flag(help: "Install exactly what the lock file says.") public var locked = false
    @Flag(help: "Grant each installed extension the capabilities it requests (shown in the plan).") public var grant = false
    @Flag(name: .customLong("dry-run"), help: "Show the plan and stop.") public var dryRun = false
    @OptionGroup public var host: HostOptions
    @OptionGroup public var distribution: DistributionOptions
    @OptionGroup public var format: OutputOptions

    public init() {}

    public func validate() throws {
        guard locked || !targets.isEmpty else { throw ValidationError("name what to install (ID[@RANGE] or a location), or use --locked") }
        guard !(locked && !targets.isEmpty) else { throw ValidationError("--locked installs the lock file; name nothing else") }
    }

    public func run() async throws {
        let context: DistributionContext
        do { context = try await DistributionContext.open(host: host, distribution: distribution) } catch { throw CommandFailure.report(error, json: format.json) }
        do {
            let plan: InstallPlan
            var prefetched: [OCIDigest: PackageInstaller.Fetched] = [:]
            let sourceFor: (InstallPlan.Item) throws -> (any ArtifactSource, OCIReference)
            if locked {
                (plan, sourceFor) = try await Self.lockedPlan(context: context)
            } else if targets.allSatisfy({ !Self.looksLikeLocation($0) }) {
                let loaded = try await IndexLoading.load(distribution.resolvedIndex(), context: context)
                var requests: [String: VersionRange] = [:]
                for target in targets {
                    let (id, range) = try Self.parseRequest(target)
                    requests[id] = range
                }
                plan = try await Self.resolve(requests: requests, upgrade: [], document: loaded.index.document, context: context)
                sourceFor = { item in try context.registries.source(forRepository: item.repository) }
            } else {
                guard targets.count == 1 else { throw ValidationError("install one package location at a time") }
                let direct = try await Self.directPlan(targets[0], context: context)
                (plan, sourceFor) = (direct.plan, direct.sourceFor)
                prefetched[direct.fetched.package.digest] = direct.fetched
            }
            Installation.show(plan, grant: grant)
            if dryRun {
                Installation.print([], plan: plan, json: format.json)
                await context.close()
                return
            }
            let results = try await Installation.execute(plan, context: context, host: host, grant: grant, prefetched: prefetched, sourceFor: sourceFor)
            await context.close()
            Installation.print(results, plan: plan, json: format.json)
        } catch {
            await context.close()
            throw CommandFailure.report(error, json: format.json)
        }
    }

    static func looksLikeLocation(_ text: String) -> Bool { text.hasPrefix("oci:") || text.contains("/") }

    static func parseRequest(_ text: String) throws -> (String, VersionRange) {
        guard let at = text.firstIndex(of: "@") else { return (text, try VersionRange(parsing: "*")) }
        return (String(text[..<at]), try VersionRange(parsing: String(text[text.index(after: at)...])))
    }

    /// Resolves against the index with what is installed and locked as constraints and preferences.
    static func resolve(requests: [String: VersionRange], upgrade: Set<String>, document: ExtensionIndexDocument,
                        context: DistributionContext) async throws -> InstallPlan {
        let installed = try await InstalledPackages.manifests(in: context.store)
        var locked: [String: SemanticVersion] = [:]
        for entry in try await context.readLock()?.extensions ?? [] { locked[entry.id] = try? SemanticVersion(parsing: entry.version) }
        do {
            return try InstallPlanner.plan(requests: requests, upgrade: upgrade, document: document, hostABI: HostABI.version,
                                           platform: .current, installed: installed, locked: locked)
        } catch {
            throw context.recordRefusal(requests.keys.sorted().first, action: "resolve \(requests.keys.sorted().joined(separator: ", "))", error)
        }
    }

    /// One package from a location; its dependencies must be installed already.
    static func directPlan(_ text: String, context: DistributionContext) async throws
        -> (plan: InstallPlan, fetched: PackageInstaller.Fetched, sourceFor: (InstallPlan.Item) throws -> (any ArtifactSource, OCIReference)) {
        let location = try ArtifactLocation(parsing: text)
        let source = try context.registries.source(for: location)
        let fetched: PackageInstaller.Fetched
        do {
            fetched = try await context.installer.fetch(location.reference, from: source, progress: DistributionContext.progressLines(label: "fetch"))
        } catch {
            throw context.recordRefusal(nil, action: "install \(location)", error)
        }
        let manifest = fetched.manifest
        let installed = try await InstalledPackages.manifests(in: context.store)
        for (dependency, range) in manifest.dependencies.sorted(by: { $0.key < $1.key }) {
            guard let present = installed[dependency], range.contains(present.version) else {
                let error = RegistryError(.incompatible, subject: "\(manifest.id) \(manifest.version) from \(location)",
                                          "it depends on \(dependency) \(range.text), which is not installed\(installed[dependency].map { " (\($0.version) is)" } ?? ""); install by id with --index to resolve dependencies")
                throw context.recordRefusal(manifest.id, action: "install \(location)", error)
            }
        }
        let current = installed[manifest.id]
        let item = InstallPlan.Item(
            id: manifest.id, version: manifest.version.description,
            action: current == nil ? .install : (current!.version.hasSamePrecedence(as: manifest.version) ? .keep : .change),
            installedVersion: current?.version.description, repository: location.repositoryLocation, digest: fetched.package.digest,
            platform: OCIPlatform.current.description, capabilities: manifest.capabilities.map(\.rawValue).sorted())
        let stored = fetched.package
        // Installing the same version again re-activates it (repairs a damaged installed folder).
        var plan = InstallPlan(index: "", items: [item])
        if item.action == .keep { plan.items[0].action = .change; plan.items[0].installedVersion = item.version }
        return (plan, fetched, { _ in (source, location.reference.pinned(to: stored.digest)) })
    }

    /// The lock file as a plan: from the store by digest, else from each entry's repository.
    static func lockedPlan(context: DistributionContext) async throws -> (InstallPlan, (InstallPlan.Item) throws -> (any ArtifactSource, OCIReference)) {
        guard let lock = try await context.readLock() else {
            throw RegistryError(.notFound, subject: context.lockFile.path, "there is no lock file to install from")
        }
        let installed = try await InstalledPackages.manifests(in: context.store)
        let store = context.store
        var dependencies: [String: [String]] = [:]
        var capabilities: [String: [String]] = [:]
        for entry in lock.extensions {
            let kept = try await BlockingIO.run { () throws(RegistryError) in try store.package(digest: entry.digest) }
            if let kept, let manifest = try? await BlockingIO.run({ () throws(RegistryError) -> Manifest? in
                let image = try store.imageManifest(of: kept)
                return try? ManifestDecoder.decode(try store.layout.readBlob(image.config.digest, maximumBytes: 4 << 20))
            }) ?? nil {
                dependencies[entry.id] = Array(manifest.dependencies.keys)
                capabilities[entry.id] = manifest.capabilities.map(\.rawValue).sorted()
            }
        }
        let order = LockOrder.sorted(lock.extensions.map(\.id), dependencies: dependencies)
        let items = order.compactMap { id in lock.entry(id: id) }.map { entry in
            let current = installed[entry.id]
            let same = current.map { $0.version.description == entry.version } ?? false
            return InstallPlan.Item(id: entry.id, version: entry.version, action: current == nil ? .install : (same ? .keep : .change),
                                    installedVersion: current?.version.description, repository: entry.repository, digest: entry.digest,
                                    platform: entry.platform, capabilities: capabilities[entry.id] ?? [])
        }
        return (InstallPlan(index: lock.index ?? "", items: items), { item in try context.registries.source(forRepository: item.repository) })
    }
}

/// Orders lock entries dependencies first (entries whose manifests are not in the store yet keep
/// the lock's order after the ones that are known).
enum LockOrder {
    static func sorted(_ ids: [String], dependencies: [String: [String]]) -> [String] {
        var ordered: [String] = []
        var visiting = Set<String>()
        var done = Set<String>()
        func visit(_ id: String) {
            guard !done.contains(id), !visiting.contains(id) else { return }
            visiting.insert(id)
            for dependency in (dependencies[id] ?? []).sorted() where ids.contains(dependency) { visit(dependency) }
            visiting.remove(id)
            done.insert(id)
            ordered.append(id)
        }
        for id in ids.sorted() { visit(id) }
        return ordered
    }
}
