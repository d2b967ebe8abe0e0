import ArgumentParser
import Foundation
import HyperMeshExtensions
import HyperMeshManifest
import HyperMeshTrust

/// `hypermesh ext stage`: turn a built library and a manifest template into a package folder.
public struct StageExtension: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "stage",
        abstract: "Make a package folder from a manifest template and built files.",
        discussion: """
            Copies the payload (and any --file) into OUT, fills the manifest's "files" with the
            SHA-256 of every file, checks the result strictly, and writes OUT/extension.json.
            The payload is copied under the manifest's "entry" name.

            Example:
              hypermesh ext stage --manifest Examples/catalog.manifest.template.json \\
                --payload .build/release/libCatalogExtension.so --out extensions/catalog
            """)

    @Option(help: "The manifest template (extension.json without, or with stale, \"files\").") public var manifest: String
    @Option(help: "The built payload (shared library); copied as the manifest's entry.") public var payload: String
    @Option(name: .customLong("file"), help: "An extra file to include, as NAME=PATH (repeatable).") public var files: [String] = []
    @Option(help: "The package folder to create or replace.") public var out: String
    @OptionGroup public var format: OutputOptions

    public init() {}

    struct Output: Codable {
        var directory: String
        var id: String
        var version: String
        var files: [String: String]
    }

    public func run() async throws {
        let output: Output
        do {
            output = try stage()
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
        if format.json {
            Console.current.out(JSONOutput.string(output))
        } else {
            Console.current.out("staged \(output.id) \(output.version) at \(output.directory) (\(output.files.count) file(s))")
        }
    }

    func stage() throws -> Output {
        let template = try ManifestDecoder.decode(try Data(contentsOf: URL(fileURLWithPath: manifest)), source: manifest)
        let directory = URL(fileURLWithPath: out)
        let fileManager = FileManager.default
        try? fileManager.removeItem(at: directory)
        try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
        var copies = [(template.entry, URL(fileURLWithPath: payload))]
        for spec in files {
            let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--file takes NAME=PATH, got '\(spec)'") }
            copies.append((parts[0], URL(fileURLWithPath: parts[1])))
        }
        var digests: [String: String] = [:]
        for (name, source) in copies {
            let destination = try PackageFiles.resolve(name, in: directory.resolvingSymlinksInPath())
            try fileManager.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fileManager.copyItem(at: source, to: destination)
            digests[name] = try FileDigest.sha256Hex(ofFileAt: destination)
        }
        var staged = template
        staged.files = digests
        let data = staged.jsonData(prettyPrinted: true)
        // Decode what we wrote, so a package this command makes always passes the host's checks.
        _ = try ManifestDecoder.decode(data, source: "staged manifest")
        try data.write(to: directory.appendingPathComponent(Manifest.fileName))
        try PackageFiles.verify(directory, manifest: staged)
        return Output(directory: directory.path, id: staged.id, version: staged.version.description, files: digests)
    }
}
