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
            """)

    @Argument(help: "The package folder.") public var directory: String
    @Option(help: "The archive to write (conventionally NAME.hmx); replaced if it exists.") public var out: String

    public init() {}

    public func run() async throws {
        do {
            let folder = URL(fileURLWithPath: directory)
            let manifest = try ManifestDecoder.load(from: folder)
            try PackageFiles.verify(folder, manifest: manifest)
            let archive = URL(fileURLWithPath: out)
            try? FileManager.default.removeItem(at: archive)
            try PackageArchive.pack(folder, to: archive)
            let signed = FileManager.default.fileExists(atPath: folder.appendingPathComponent(PackageSignature.fileName).path)
            let size = (try? FileManager.default.attributesOfItem(atPath: archive.path)[.size] as? Int) ?? 0
            Console.current.out("packed \(manifest.id) \(manifest.version) (\(signed ? "signed" : "unsigned")) into \(archive.path), \(size) bytes")
        } catch {
            throw CommandFailure.report(error, json: false)
        }
    }
}
