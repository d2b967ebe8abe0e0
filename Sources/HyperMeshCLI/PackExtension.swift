import ArgumentParser
import Foundation
import HyperMeshManifest
import HyperMeshTrust

/// `hypermesh ext pack DIR --out FILE.hmx`
public struct PackExtension: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Pack a package folder into one .hmx archive (zip) for transport.",
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
    @Option(help: "The archive to write (conventionally NAME.hmx); replaced if it exists.") public var out: String
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

    public func run() async throws {
        let console = Console.current
        let output: Output
        do {
            let folder = URL(fileURLWithPath: directory)
            let manifest = try ManifestDecoder.load(from: folder)
            try PackageFiles.verify(folder, manifest: manifest)
            let archive = URL(fileURLWithPath: out)
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
}
