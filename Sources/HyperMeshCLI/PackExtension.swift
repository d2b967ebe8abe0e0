import ArgumentParser
import Foundation
import HyperMeshManifest
import HyperMeshRegistry
import HyperMeshTrust

/// `hypermesh ext pack DIR --out FILE.hmx` or `hypermesh ext pack DIR --oci-layout FOLDER`
public struct PackExtension: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Pack a package folder into one .hmx archive (zip), or into an OCI layout folder, for transport.",
        discussion: """
            The folder's files are checked against its manifest first. The archive holds the same
            files (extension.json, the payload, extension.sig if signed); `ext verify` and
            `ext sign` accept it directly. Unpacking refuses absolute paths, '..', links that
            leave the folder, duplicate entries and archives that expand past the size limits.

            Progress goes to stderr, one plain line per entry written ("packed 2/3 entries,
            N/M bytes: PATH"), whether or not stderr is a terminal. With --json, stdout holds
            {"id", "version", "signed", "archive", "entries", "bytes"} (bytes: the archive's size).
            """)

    @Argument(help: "The package folder.") public var directory: String
    @Option(help: "The archive to write (conventionally NAME.hmx); replaced if it exists.") public var out: String?
    @Option(name: .customLong("oci-layout"), help: ArgumentHelp("Write an OCI layout folder instead of an archive.", valueName: "folder"))
    public var ociLayout: String?
    @Option(help: ArgumentHelp("With --oci-layout: the native package's platform.", valueName: "os/arch"))
    public var platform: String?
    @OptionGroup public var format: OutputOptions

    public init() {}

    /// The `--json` document.
    struct Output: Codable {
        var id: String
        var version: String
        var signed: Bool
        var archive: String
        /// Entries in the archive (folders, files and symlinks).
        var entries: Int
        /// The archive's size in bytes.
        var bytes: Int
    }

    public func validate() throws {
        guard (out == nil) != (ociLayout == nil) else {
            throw ValidationError("give exactly one of --out FILE.hmx and --oci-layout FOLDER")
        }
        if platform != nil && ociLayout == nil {
            throw ValidationError("--platform goes with --oci-layout")
        }
    }

    struct LayoutOutput: Codable {
        var id: String
        var version: String
        var signed: Bool
        var layout: String
        var tag: String
        var digest: String
    }

    public func run() async throws {
        if let ociLayout {
            return try await packLayout(ociLayout)
        }
        let console = Console.current
        let output: Output
        do {
            let folder = URL(fileURLWithPath: directory)
            let manifest = try ManifestDecoder.load(from: folder)
            try PackageFiles.verify(folder, manifest: manifest)
            let archive = URL(fileURLWithPath: out ?? "")
            try? FileManager.default.removeItem(at: archive)
            var entries = 0
            try PackageArchive.pack(folder, to: archive) { progress in
                entries = progress.entriesDone
                console.err("packed \(progress.entriesDone)/\(progress.entriesTotal) entries, \(progress.bytesDone)/\(progress.bytesTotal) bytes: \(progress.entry)")
            }
            let signed = FileManager.default.fileExists(atPath: folder.appendingPathComponent(PackageSignature.fileName).path)
            let size = (try? FileManager.default.attributesOfItem(atPath: archive.path)[.size] as? Int) ?? 0
            output = Output(id: manifest.id, version: manifest.version.description, signed: signed, archive: archive.path,
                            entries: entries, bytes: size)
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
        if format.json {
            console.out(JSONOutput.string(output))
        } else {
            console.out("packed \(output.id) \(output.version) (\(output.signed ? "signed" : "unsigned")) into \(output.archive), \(output.bytes) bytes")
        }
    }

    private func packLayout(_ folder: String) async throws {
        let output: LayoutOutput
        do {
            let packageFolder = URL(fileURLWithPath: directory)
            let layoutFolder = URL(fileURLWithPath: folder)
            let platform = try self.platform.map { (text) throws(RegistryError) in try OCIPlatform(parsing: text) }
            output = try await BlockingIO.run { () throws(RegistryError) -> LayoutOutput in
                let artifact = try PackageArtifact.make(fromPackageAt: packageFolder)
                // A native library runs on one platform: never written as platform-free.
                let platform = platform ?? (artifact.manifest.kind == .native ? OCIPlatform.current : nil)
                let tag = OCIReference.tag(for: artifact.manifest.version)
                let digest = try OCILayoutWriter.write([(platform, artifact)], tag: tag, to: layoutFolder)
                return LayoutOutput(id: artifact.manifest.id, version: artifact.manifest.version.description, signed: artifact.isSigned,
                                    layout: layoutFolder.path, tag: tag, digest: digest.description)
            }
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
        if format.json {
            Console.current.out(JSONOutput.string(output))
        } else {
            Console.current.out("packed \(output.id) \(output.version) (\(output.signed ? "signed" : "unsigned")) into the OCI layout \(output.layout) as oci:\(output.layout):\(output.tag)")
        }
    }
}
