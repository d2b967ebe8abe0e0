import Foundation
import HyperMeshTestSupport
import Synchronization

/// The Catalog built from `Sources/CatalogExtension` and staged as a package, once per test process
/// and set of capabilities.
///
/// Each variant lives in its own search path (a folder holding one `catalog` package), shared by
/// every test that asks for the same capabilities, so the library is loaded from one path per
/// variant instead of once per test. The manifest is `Examples/catalog.manifest.template.json`
/// with only `capabilities` replaced. The folders are temporary and are not deleted.
enum StagedCatalog {
    /// The Catalog's extension id.
    static let id = "org.hypermesh.catalog"
    /// The capabilities the template declares.
    static let declaredCapabilities = ["assetManagement", "consensusAccess", "events", "storage", "vmExecution"]

    private static let root = ExtensionBuilder.temporaryDirectory()
    private static let searchPaths = Mutex<[String: URL]>([:])

    /// A search path holding the Catalog package whose manifest grants exactly `capabilities`.
    static func searchPath(capabilities: [String] = declaredCapabilities) throws -> URL {
        let variant = capabilities.sorted().joined(separator: "+")
        return try searchPaths.withLock { (table) throws -> URL in
            if let searchPath = table[variant] { return searchPath }
            let searchPath = root.appendingPathComponent("catalog-" + (variant.isEmpty ? "no-capabilities" : variant))
            try stage(capabilities: capabilities.sorted(), into: searchPath.appendingPathComponent("catalog"))
            table[variant] = searchPath
            return searchPath
        }
    }

    private static func stage(capabilities: [String], into package: URL) throws {
        let entry = "libCatalogExtension.\(ExtensionBuilder.libraryFileExtension)"
        let library = try ExtensionBuilder.buildCatalog(output: root.appendingPathComponent("build").appendingPathComponent(entry))
        var manifest = try PackageStager.loadTemplate(PackageStager.catalogTemplate)
        manifest["entry"] = entry
        manifest["capabilities"] = capabilities
        try PackageStager.stage(manifest: manifest, payload: library, entryName: entry, into: package)
    }
}
