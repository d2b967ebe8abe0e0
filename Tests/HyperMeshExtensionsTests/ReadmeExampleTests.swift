import Foundation
import HyperMeshExtensions
import HyperMeshTestSupport
import Testing

/// The C and Swift extensions shown in README.md compile, load and answer, so the guide never rots.
@Suite struct ReadmeExampleTests {
    static func codeBlock(_ language: String, after marker: String) throws -> String {
        let readme = try String(contentsOf: ExtensionBuilder.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: marker), "README has no '\(marker)'")
        let rest = readme[section.upperBound...]
        let start = try #require(rest.range(of: "```\(language)\n"))
        let end = try #require(rest[start.upperBound...].range(of: "```"))
        return String(rest[start.upperBound..<end.lowerBound])
    }

    func stageAndCall(library: URL, id: String, method: String, input: String) async throws -> String {
        let host = FixtureHost()
        try PackageStager.stage(
            manifest: ["id": id, "name": "Readme", "version": "1.0.0", "kind": "native", "entry": "libreadme.so",
                       "abi": ["min": 1, "max": 1], "category": "examples"],
            payload: library, entryName: "libreadme.so", into: host.extensionsDirectory.appendingPathComponent("readme"))
        let (registry, problems) = try await host.registryWithStagedPackages()
        #expect(problems.isEmpty)
        try await registry.activate(id)
        let reply = try await registry.callText(id, method, input)
        await registry.shutdown()
        return reply
    }

    @Test func cExampleEchoes() async throws {
        let root = ExtensionBuilder.temporaryDirectory()
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let source = root.appendingPathComponent("hello.c")
        try Self.codeBlock("c", after: "**In C**").write(to: source, atomically: true, encoding: .utf8)
        let library = try ExtensionBuilder.buildC(
            source: source, defines: ["_GNU_SOURCE": ""], output: root.appendingPathComponent("libreadme-c.so"), warningsAsErrors: false)
        #expect(try await stageAndCall(library: library, id: "org.example.hello", method: "echo", input: #"{"hi":1}"#) == #"{"hi":1}"#)
    }

    @Test func swiftExampleGreets() async throws {
        let root = ExtensionBuilder.temporaryDirectory()
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let source = root.appendingPathComponent("Hello.swift")
        try Self.codeBlock("swift", after: "**In Swift**").write(to: source, atomically: true, encoding: .utf8)
        let library = try ExtensionBuilder.buildSwift(sources: [source], moduleName: "ReadmeHello", output: root.appendingPathComponent("libreadme-swift.so"))
        let reply = try await stageAndCall(library: library, id: "org.example.hello", method: "greet", input: #"{"name":"reader"}"#)
        #expect(reply.contains("hello, reader"))
    }
}
