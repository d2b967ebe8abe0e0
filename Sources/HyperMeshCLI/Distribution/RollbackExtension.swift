import ArgumentParser
import Foundation
import HyperMeshRegistry

/// `hypermesh ext rollback ID`
public struct RollbackExtension: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Return an installed extension to its previous version, from the store (no network).",
        discussion: """
            The store pins each installed extension's previous version. Rollback stages it from the
            store, verifies it against the trust store, and puts it in place; the version rolled
            back from becomes the pinned previous one (so a second rollback undoes the first). The
            lock file is updated. A node with --watch reloads the extension through its canary.

            With --json, stdout holds {"id","from","to"}.
            """)

    @Argument(help: "The extension id.") public var id: String
    @OptionGroup public var host: HostOptions
    @OptionGroup public var distribution: DistributionOptions
    @OptionGroup public var format: OutputOptions

    public init() {}

    struct Output: Codable {
        var id: String
        var from: String
        var to: String
    }

    public func run() async throws {
        try await DistributionContext.command(host: host, distribution: distribution, format: format) { context -> Output in
            let result: (from: StoredPackage, to: StoredPackage)
            do { result = try await context.installer.rollback(id: id) } catch { throw context.recordRefusal(id, action: "rollback", error) }
            if var lock = try await context.readLock(), let entry = lock.entry(id: id) {
                lock.set(.init(id: id, version: result.to.version.description, repository: entry.repository, digest: result.to.digest, platform: entry.platform))
                try await context.writeLock(lock)
            }
            try context.record(id, "rolled back \(id) from \(result.from.version) to \(result.to.version)",
                               details: ["action": "rollback", "from": result.from.version.description, "to": result.to.version.description, "digest": result.to.digest.description])
            return Output(id: id, from: result.from.version.description, to: result.to.version.description)
        } text: { output in
            Console.current.out("\(id): rolled back from \(output.from) to \(output.to)")
        }
    }
}

/// `hypermesh ext uninstall ID`
public struct UninstallExtension: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "uninstall",
        abstract: "Remove an installed extension's package folder and its lock entry.",
        discussion: """
            The versions stay in the store (unpinned) until `hypermesh store gc`. Refused while
            another installed extension depends on it. With --json, stdout holds {"id","version"}.
            """)

    @Argument(help: "The extension id.") public var id: String
    @OptionGroup public var host: HostOptions
    @OptionGroup public var distribution: DistributionOptions
    @OptionGroup public var format: OutputOptions

    public init() {}

    struct Output: Codable {
        var id: String
        var version: String?
    }

    public func run() async throws {
        try await DistributionContext.command(host: host, distribution: distribution, format: format) { context -> Output in
            let store = context.store
            let id = self.id
            let removed: StoredPackage?
            do {
                let dependents = try await InstalledPackages.dependents(of: id, in: store)
                guard dependents.isEmpty else {
                    throw RegistryError(.incompatible, subject: id, "installed extensions depend on it: \(dependents.joined(separator: ", ")); uninstall them first")
                }
                removed = try await BlockingIO.run { () throws(RegistryError) in try store.uninstall(id: id) }
            } catch {
                throw context.recordRefusal(id, action: "uninstall", error)
            }
            if var lock = try await context.readLock() {
                lock.remove(id: id)
                try await context.writeLock(lock)
            }
            try context.record(id, "uninstalled \(id)\(removed.map { " \($0.version)" } ?? "")", details: ["action": "uninstall"])
            return Output(id: id, version: removed?.version.description)
        } text: { output in
            Console.current.out("\(id): uninstalled\(output.version.map { " (\($0) stays in the store until `store gc`)" } ?? " (it was not installed from the store)")")
        }
    }
}
