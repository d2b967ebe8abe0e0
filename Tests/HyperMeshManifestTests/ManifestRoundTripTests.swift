import Foundation
import Testing
@testable import HyperMeshManifest

@Suite struct ManifestRoundTripTests {
    @Test(arguments: [true, false])
    func decodingTheEncodedManifestGivesItBack(prettyPrinted: Bool) throws {
        for fixture in [ManifestFixtures.minimal, ManifestFixtures.full] {
            let original = try ManifestDecoder.decode(ManifestFixtures.data(fixture))
            let encoded = original.jsonData(prettyPrinted: prettyPrinted)
            let decoded = try ManifestDecoder.decode(encoded)
            #expect(decoded == original)
            // Equality of ranges ignores their text; the text must survive too.
            #expect(decoded.dependencies.mapValues(\.text) == original.dependencies.mapValues(\.text))
            // Canonical: encoding again gives the same bytes.
            #expect(decoded.jsonData(prettyPrinted: prettyPrinted) == encoded)
        }
    }

    @Test func goodExamplesRoundTrip() throws {
        for file in try RepositoryFiles.examples(in: "good") {
            let original = try ManifestDecoder.decode(Data(contentsOf: file), source: file.lastPathComponent)
            #expect(try ManifestDecoder.decode(original.jsonData()) == original, "\(file.lastPathComponent)")
        }
    }

    @Test func canonicalFormSortsKeysAndOmitsOnlyNilOptionals() throws {
        let manifest = Manifest(
            id: "org.example.tool", name: "Tool \"one\"", version: SemanticVersion(1, 0, 0, prerelease: ["rc", "1"]),
            kind: .wasm, entry: "tool.wasm", abi: ABIRange(min: 1, max: 2), category: "tools",
            capabilities: [.storage, .events], quotas: Quotas(memoryBytes: 1024, concurrency: 2),
            dependencies: ["org.example.base": try VersionRange(parsing: " ^1.0.0 ")], license: "MIT")
        let compact = String(decoding: manifest.jsonData(prettyPrinted: false), as: UTF8.self)
        #expect(compact == #"{"abi":{"max":2,"min":1},"capabilities":["storage","events"],"category":"tools","#
            + #""dependencies":{"org.example.base":"^1.0.0"},"entry":"tool.wasm","files":{},"id":"org.example.tool","#
            + #""kind":"wasm","license":"MIT","name":"Tool \"one\"","quotas":{"concurrency":2,"memoryBytes":1024},"#
            + #""version":"1.0.0-rc.1"}"#)
        #expect(try ManifestDecoder.decode(Data(compact.utf8)) == manifest)
    }

    @Test func prettyOutputIsIndentedAndEndsWithANewline() throws {
        let manifest = try ManifestDecoder.decode(ManifestFixtures.data(ManifestFixtures.minimal))
        let pretty = String(decoding: manifest.jsonData(), as: UTF8.self)
        #expect(pretty == """
        {
          "abi": {
            "max": 1,
            "min": 1
          },
          "capabilities": [],
          "category": "tools",
          "dependencies": {},
          "entry": "lib/libtool.so",
          "files": {},
          "id": "org.example.tool",
          "kind": "native",
          "name": "Tool",
          "quotas": {},
          "version": "1.0.0"
        }

        """)
    }
}
