import Foundation
import HyperMeshManifest
import HyperMeshRegistry
import HyperMeshSecurity

/// Carries out an ``InstallPlan``: everything is fetched and verified first (a failure there
/// installs nothing), then activated in load order (dependencies first); if an activation fails,
/// the ones already switched in this run are put back (the previous version, or uninstalled), so
/// nothing is left half-installed. Then the lock file is written, grants are added when asked,
/// and every step is audited.
enum Installation {
    struct ItemResult: Codable {
        var id: String
        var version: String
        var action: String
        var previous: String?
        var digest: String
        var transferred: Bool
        var bytes: Int64
        var capabilities: [String]
        var granted: Bool
    }

    /// `prefetched`: what the caller fetched already while planning (by digest), reported as transferred.
    static func execute(_ plan: InstallPlan, context: DistributionContext, host: HostOptions, grant: Bool,
                        prefetched: [OCIDigest: PackageInstaller.Fetched] = [:],
                        sourceFor: (InstallPlan.Item) throws -> (any ArtifactSource, OCIReference)) async throws -> [ItemResult] {
        let console = Console.current
        var fetched: [(InstallPlan.Item, PackageInstaller.Fetched)] = []
        for item in plan.changes {
            do {
                let expectation = PackageInstaller.Expectation(id: item.id, version: try SemanticVersion(parsing: item.version))
                // What the store keeps is installed from it: no source is opened, no request made.
                if let kept = try await context.installer.stored(digest: item.digest, expecting: expectation, subject: "\(item.id) \(item.version)") {
                    fetched.append((item, prefetched[item.digest] ?? kept))
                    continue
                }
                let (source, reference) = try sourceFor(item)
                console.err("fetching \(item.id) \(item.version) from \(item.repository)")
                fetched.append((item, try await context.installer.fetch(reference.pinned(to: item.digest), from: source, expecting: expectation,
                                                                        progress: DistributionContext.progressLines(label: item.id))))
            } catch {
                throw context.recordRefusal(item.id, action: "install \(item.id) \(item.version)", error)
            }
        }
        var switched: [(id: String, previous: StoredPackage?)] = []
        var results: [ItemResult] = []
        for (item, result) in fetched {
            do {
                let previous = try await context.installer.activate(result.package)
                switched.append((item.id, previous))
                results.append(ItemResult(id: item.id, version: item.version, action: item.action.rawValue, previous: previous?.version.description,
                                          digest: item.digest.description, transferred: result.transferred, bytes: result.bytes,
                                          capabilities: item.capabilities, granted: false))
                console.err("activated \(item.id) \(item.version) in installed/")
            } catch {
                for undo in switched.reversed() {
                    if let previous = undo.previous {
                        _ = try? await context.installer.activate(previous)
                    } else {
                        let store = context.store
                        _ = try? await BlockingIO.run { () throws(RegistryError) in try store.uninstall(id: undo.id) }
                    }
                }
                throw context.recordRefusal(item.id, action: "install \(item.id) \(item.version) (the \(switched.count) extension(s) switched before were put back)", error)
            }
        }
        var lock = try await context.readLock() ?? LockFile(index: nil, extensions: [])
        lock.index = plan.index.isEmpty ? lock.index : plan.index
        for item in plan.items {
            lock.set(.init(id: item.id, version: item.version, repository: item.repository, digest: item.digest, platform: item.platform))
        }
        try await context.writeLock(lock)
        if grant {
            let file = host.resolvedPolicyFile()
            var policy = try host.loadPolicy()
            for index in results.indices {
                let capabilities = Set(results[index].capabilities.compactMap(Capability.init(rawValue:)))
                policy.allow(capabilities, for: results[index].id)
                results[index].granted = true
            }
            try PolicyFile.save(policy, to: file)
        }
        for result in results {
            try context.record(result.id, "installed \(result.id) \(result.version)\(result.previous.map { " (was \($0))" } ?? "")",
                               details: ["action": result.action == "install" ? "install" : "update", "version": result.version, "digest": result.digest,
                                         "previous": result.previous ?? "", "granted": result.granted ? result.capabilities.joined(separator: ",") : ""])
        }
        return results
    }

    /// Prints the plan before anything happens: what changes and what each version asks for.
    static func show(_ plan: InstallPlan, grant: Bool) {
        let console = Console.current
        for item in plan.items {
            let change = switch item.action {
            case .install: "install \(item.version)"
            case .change: "change \(item.installedVersion ?? "?") -> \(item.version)"
            case .keep: "keep \(item.version)"
            }
            let asks = item.capabilities.isEmpty ? "no capability" : item.capabilities.joined(separator: ", ")
            console.err("plan: \(item.id): \(change); requests \(asks)\(item.action != .keep && !grant && !item.capabilities.isEmpty ? " (not granted: --grant, or `hypermesh ext grant`)" : "")")
        }
    }

    static func print(_ results: [ItemResult], plan: InstallPlan, json: Bool) {
        struct Output: Codable {
            var index: String
            var plan: [InstallPlan.Item]
            var installed: [ItemResult]
        }
        let console = Console.current
        if json {
            console.out(JSONOutput.string(Output(index: plan.index, plan: plan.items, installed: results)))
            return
        }
        if results.isEmpty {
            let changes = plan.changes
            console.out(changes.isEmpty ? "nothing to do: everything asked for is installed"
                                        : "dry run: \(changes.count) change(s) planned, nothing installed: \(changes.map { "\($0.id) \($0.version)" }.joined(separator: ", "))")
        }
        for result in results {
            console.out("\(result.id) \(result.version): \(result.previous.map { "updated from \($0)" } ?? "installed")\(result.transferred ? "" : " (from the store)")\(result.granted ? "; granted \(result.capabilities.joined(separator: ", "))" : "")")
        }
    }
}
