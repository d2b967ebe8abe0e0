import Foundation
import HyperMeshTestSupport

/// A typical `extension.json`: the Catalog's manifest template (`Examples/catalog.manifest.template.json`)
/// with its file digest filled in and two dependencies, written the way `PackageStager` writes
/// manifests (sorted keys, pretty-printed). About 1 KB.
public enum TypicalManifest {
    public static func bytes() throws(BenchmarkSetupError) -> Data {
        var manifest: [String: Any]
        do {
            manifest = try PackageStager.loadTemplate(PackageStager.catalogTemplate)
        } catch {
            throw BenchmarkSetupError(.fixtureBuildFailed, "cannot read the Catalog manifest template", cause: error.description)
        }
        manifest["files"] = [manifest["entry"] as? String ?? "libCatalogExtension.so": String(repeating: "3f", count: 32)]
        manifest["dependencies"] = ["org.hypermesh.storage": "^1.2.0", "org.hypermesh.search": ">=0.4.0 <0.6.0"]
        do {
            return try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        } catch {
            throw BenchmarkSetupError(.fixtureBuildFailed, "cannot write the typical manifest as JSON", cause: "\(error)")
        }
    }
}
