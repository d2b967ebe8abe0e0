import ArgumentParser
import Foundation
import HyperMeshRegistry

/// `hypermesh ext pull LOCATION`
public struct PullExtension: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Fetch a package into the store and verify it, without installing it.",
        discussion: """
            Fetches the manifest (this host's platform from an image index), then every blob the
            store does not have, each checked against its digest before it is kept; then the package
            is staged and verified against the trust store. A package that fails any check leaves
            nothing behind but unreferenced blobs (removed by `hypermesh store gc`). Nothing is
            requested when the store already has the digest LOCATION pins.

            With --json, stdout holds {"id","version","digest","source","transferred","bytes"}.
            """)

    @Argument(help: "REGISTRY/REPOSITORY:TAG, REGISTRY/REPOSITORY@sha256:…, or oci:FOLDER[:TAG].")
    public var location: String
    @OptionGroup public var host: HostOptions
    @OptionGroup public var distribution: DistributionOptions
    @OptionGroup public var format: OutputOptions

    public init() {}

    struct Output: Codable {
        var id: String
        var version: String
        var digest: String
        var source: String
        var transferred: Bool
        var bytes: Int64
    }

    public func run() async throws {
        try await DistributionContext.command(host: host, distribution: distribution, format: format) { context -> Output in
            let target = try ArtifactLocation(parsing: location)
            let source = try context.registries.source(for: target)
            let fetched: PackageInstaller.Fetched
            do {
                fetched = try await context.installer.fetch(target.reference, from: source, progress: DistributionContext.progressLines(label: "pull"))
            } catch {
                throw context.recordRefusal(nil, action: "pull \(target)", error)
            }
            try context.record(fetched.package.id, "pulled \(fetched.package.id) \(fetched.package.version) from \(target)",
                               details: ["action": "pull", "location": target.description, "digest": fetched.package.digest.description])
            return Output(id: fetched.package.id, version: fetched.package.version.description, digest: fetched.package.digest.description,
                          source: target.description, transferred: fetched.transferred, bytes: fetched.bytes)
        } text: { output in
            Console.current.out("pulled \(output.id) \(output.version) (\(output.digest))\(output.transferred ? ", \(output.bytes) bytes" : ", already in the store")")
        }
    }
}
