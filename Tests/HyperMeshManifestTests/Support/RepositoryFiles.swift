import Foundation

/// Files of the repository located from this source file's path (no bundle resources).
enum RepositoryFiles {
    /// `Tests/HyperMeshManifestTests`.
    static let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

    static let examplesFolder = testsFolder.appendingPathComponent("Examples")

    static let docsFolder = testsFolder.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs")

    static let schema = docsFolder.appendingPathComponent("extension.schema.json")

    static let manifestReference = docsFolder.appendingPathComponent("manifest.md")

    /// The `.json` files of `Examples/<folder>`, sorted by name.
    static func examples(in folder: String) throws -> [URL] {
        let directory = examplesFolder.appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The error code an example expects, from its name: `unknown_key--quotas.json` → `manifest.unknown_key`.
    static func expectedCodeName(of example: URL) -> String {
        let name = example.deletingPathExtension().lastPathComponent
        let prefix = name.range(of: "--").map { String(name[..<$0.lowerBound]) } ?? name
        return "manifest." + prefix
    }
}
