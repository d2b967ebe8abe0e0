import ArgumentParser
import Foundation
import HyperMeshRegistry

/// `hypermesh store status|gc`
public struct StoreCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "The content-addressed package store under the state dir.",
        discussion: """
            store/ is an OCI image layout (blobs/sha256/…, index.json): every package version
            pulled or installed, each blob once. The active version of each installed extension
            and the one before it are pinned, so `ext rollback` needs no network; `store gc`
            removes the other versions and every blob no kept version refers to.
            """,
        subcommands: [StoreStatus.self, StoreCollectGarbage.self])

    public init() {}
}

/// `hypermesh store status`
public struct StoreStatus: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "List the kept package versions, their pins, and the blobs with their reference counts.",
        discussion: "With --json, stdout holds {packages:[{id,version,digest,size,source,pin}], blobs, bytes, unreferencedBlobs, unreferencedBytes, referenceCounts}.")

    @OptionGroup public var host: HostOptions
    @OptionGroup public var format: OutputOptions

    public init() {}

    public func run() async throws {
        let state = host.resolvedStateDirectory()
        let status: PackageStore.Status
        do {
            status = try await BlockingIO.run { () throws(RegistryError) in try PackageStore(stateDirectory: state).status() }
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
        let console = Console.current
        if format.json {
            console.out(JSONOutput.string(status))
            return
        }
        if status.packages.isEmpty { console.out("the store keeps no package") }
        for package in status.packages {
            console.out("\(package.id) \(package.version)  \(package.pin == .none ? "-" : package.pin.rawValue)  \(package.digest.hex.prefix(12))  from \(package.source)")
        }
        console.out("\(status.blobs) blob(s), \(status.bytes) bytes; \(status.unreferencedBlobs) unreferenced (\(status.unreferencedBytes) bytes, removed by `store gc`)")
    }
}

/// `hypermesh store gc`
public struct StoreCollectGarbage: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Remove unpinned versions and unreferenced blobs from the store.",
        discussion: "Pinned versions (active, previous) stay. With --json, stdout holds {removedPackages, removedBlobs, freedBytes}.")

    @OptionGroup public var host: HostOptions
    @OptionGroup public var format: OutputOptions

    public init() {}

    public func run() async throws {
        let state = host.resolvedStateDirectory()
        let report: PackageStore.CollectionReport
        do {
            report = try await BlockingIO.run { () throws(RegistryError) in try PackageStore(stateDirectory: state).collectGarbage() }
            let audit = try host.openAudit()
            defer { audit.close() }
            try audit.append(.init(kind: .distribution, message: "store gc removed \(report.removedPackages.count) version(s), \(report.removedBlobs) blob(s)",
                                   details: ["action": "gc", "freedBytes": String(report.freedBytes)]))
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
        if format.json {
            Console.current.out(JSONOutput.string(report))
        } else {
            for package in report.removedPackages { Console.current.out("removed \(package.id) \(package.version)") }
            Console.current.out("removed \(report.removedBlobs) blob(s), \(report.freedBytes) bytes freed")
        }
    }
}
