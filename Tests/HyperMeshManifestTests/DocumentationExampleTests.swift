import Foundation
import Testing
import HyperMeshManifest

/// The manifests shown in `docs/manifest.md` are valid for both the decoder and the schema.
@Suite struct DocumentationExampleTests {
    /// The contents of every ```json block of the reference.
    private func jsonBlocks() throws -> [String] {
        let text = try String(contentsOf: RepositoryFiles.manifestReference, encoding: .utf8)
        var blocks: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```json" {
                current = []
            } else if let lines = current, line == "```" {
                blocks.append(lines.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    @Test func examplesInTheReferenceAreValid() throws {
        let blocks = try jsonBlocks()
        #expect(blocks.count >= 2)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hypermesh-doc-examples-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var files: [URL] = []
        for (index, block) in blocks.enumerated() {
            #expect(throws: Never.self, "block \(index + 1)") { try ManifestDecoder.decode(Data(block.utf8)) }
            let file = folder.appendingPathComponent("example-\(index + 1).json")
            try Data(block.utf8).write(to: file)
            files.append(file)
        }
        let verdicts = try PythonSchemaValidator.validate(files, against: RepositoryFiles.schema)
        for file in files {
            #expect(verdicts[file.path]?.valid == true, "\(file.lastPathComponent): \(verdicts[file.path]?.reason ?? "no verdict")")
        }
    }
}
