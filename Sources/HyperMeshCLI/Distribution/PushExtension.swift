import ArgumentParser
import Foundation
import HyperMeshManifest
import HyperMeshRegistry

/// `hypermesh ext push DIR LOCATION`
public struct PushExtension: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Publish a package folder to a registry or an OCI layout, tagged with its version.",
        discussion: """
            The package becomes an OCI artifact (artifactType application/vnd.hypermesh.extension.v1):
            its extension.json as the config blob, one layer per file, one for extension.sig, so one
            pull carries everything needed to verify it (docs/registry.md). The tag is the version
            (build metadata's + written as _) unless LOCATION names one.

            A native package for several platforms: give each with --platform-package, e.g.
              hypermesh ext push build/amd64 localhost:5000/ext/catalog --platform linux/amd64 \\
                  --platform-package linux/arm64=build/arm64
            which pushes an image index with one manifest per platform; wasm packages are
            platform-free. Blobs the registry has are skipped; a blob that exists in another
            repository of the registry is mounted (--mount-from). Progress goes to stderr.

            With --json, stdout holds {"id","version","location","digest","platforms"}.
            """)

    @Argument(help: "The package folder (signed with `ext sign`; an unsigned package is pushed but refused at install).")
    public var directory: String
    @Argument(help: "REGISTRY/REPOSITORY[:TAG] or oci:FOLDER[:TAG].")
    public var location: String
    @Option(help: ArgumentHelp("The package's platform (os/arch). Omit for wasm packages.", valueName: "os/arch"))
    public var platform: String?
    @Option(name: .customLong("platform-package"), help: ArgumentHelp("Another platform's package of the same id and version; repeatable.", valueName: "os/arch=dir"))
    public var platformPackages: [String] = []
    @Option(name: .customLong("mount-from"), help: ArgumentHelp("A repository of the same registry that may hold the blobs already (mounted, not sent again); repeatable.", valueName: "repository"))
    public var mountFrom: [String] = []
    @OptionGroup public var host: HostOptions
    @OptionGroup public var distribution: DistributionOptions
    @OptionGroup public var format: OutputOptions

    public init() {}

    struct Output: Codable {
        var id: String
        var version: String
        var location: String
        var digest: String
        var platforms: [String]
    }

    public func run() async throws {
        try await DistributionContext.command(host: host, distribution: distribution, format: format, mountFrom: mountFrom) { context -> Output in
            var artifacts: [(platform: OCIPlatform?, artifact: PackageArtifact)] = []
            let folder = URL(fileURLWithPath: directory)
            let first = try await BlockingIO.run { () throws(RegistryError) in try PackageArtifact.make(fromPackageAt: folder) }
            var firstPlatform = try platform.map { (text) throws(RegistryError) in try OCIPlatform(parsing: text) }
            if firstPlatform == nil, first.manifest.kind == .native {
                // A native library runs on one platform: never publish it as platform-free.
                firstPlatform = .current
                Console.current.err("push: \(first.manifest.id) is native; published for this host's platform \(OCIPlatform.current) (give --platform otherwise)")
            }
            artifacts.append((firstPlatform, first))
            for entry in platformPackages {
                guard let equals = entry.firstIndex(of: "=") else { throw ValidationError("--platform-package takes os/arch=DIR") }
                let folder = URL(fileURLWithPath: String(entry[entry.index(after: equals)...]))
                let artifact = try await BlockingIO.run { () throws(RegistryError) in try PackageArtifact.make(fromPackageAt: folder) }
                artifacts.append((try OCIPlatform(parsing: String(entry[..<equals])), artifact))
            }
            var target = try ArtifactLocation(parsing: location)
            if target.reference.tag == nil { target = target.tagged(OCIReference.tag(for: first.manifest.version)) }
            let destination = try context.registries.destination(for: target)
            let digest = try await destination.publish(artifacts, to: target.reference, progress: DistributionContext.progressLines(label: "push"))
            try context.record(first.manifest.id, "pushed \(first.manifest.id) \(first.manifest.version) to \(target)",
                               details: ["action": "push", "location": target.description, "digest": digest.description])
            return Output(id: first.manifest.id, version: first.manifest.version.description, location: target.description,
                          digest: digest.description, platforms: artifacts.map { $0.platform?.description ?? IndexedVersion.anyPlatform })
        } text: { output in
            Console.current.out("pushed \(output.id) \(output.version) to \(output.location) (\(output.digest))")
        }
    }
}
