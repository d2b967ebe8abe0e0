import Foundation
import HyperMeshManifest
import HyperMeshTestSupport
import Testing

/// The manifest templates shipped in Examples/ must pass the strict decoder, or the demo and the
/// guides would hand authors a broken starting point.
@Suite struct ExampleTemplateTests {
    static let templates = [
        "Examples/catalog.manifest.template.json",
        "Examples/hello-c/extension.template.json",
        "Examples/hello-swift/extension.template.json",
    ]

    @Test(arguments: templates)
    func templateDecodesStrictly(_ path: String) throws {
        let url = ExtensionBuilder.repositoryRoot.appendingPathComponent(path)
        let manifest = try ManifestDecoder.decode(try Data(contentsOf: url), source: path)
        #expect(manifest.kind == .native)
        #expect(manifest.files.isEmpty, "templates leave files to `hypermesh ext stage`")
    }
}
