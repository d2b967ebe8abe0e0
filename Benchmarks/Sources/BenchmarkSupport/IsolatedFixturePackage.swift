import Foundation
import HyperMeshTestSupport

/// `Tests/Fixtures/c/isolated_extension.c` of the root package (id `org.hypermesh.tests.isolated`,
/// version 1.0.0; `echo` copies its input through the host's allocator) built with clang and
/// staged as an unsigned package, isolated in a worker process or loaded in-process.
public struct IsolatedFixturePackage: Sendable {
    public static let id = "org.hypermesh.tests.isolated"
    public static let version = "1.0.0"
    static let entryName = "libisolated.so"

    /// The folder holding the package folder (a discovery search path).
    public let extensionsDirectory: URL
    /// The staged library.
    public let libraryPath: String

    /// Builds the library and stages it under `<root>/extensions/`, with `"isolation": "process"`
    /// when `isolated`, else `"in-process"`. Capabilities: `storage` (granted by the benchmarks'
    /// policy); no quotas in the manifest (the policy's defaults apply).
    public static func stage(under root: URL, isolated: Bool) throws(BenchmarkSetupError) -> IsolatedFixturePackage {
        let extensions = root.appendingPathComponent("extensions")
        let package = extensions.appendingPathComponent(id)
        do {
            let builds = root.appendingPathComponent("build")
            try FileManager.default.createDirectory(at: builds, withIntermediateDirectories: true)
            let library = try ExtensionBuilder.buildC(
                source: ExtensionBuilder.repositoryRoot.appendingPathComponent("Tests/Fixtures/c/isolated_extension.c"),
                output: builds.appendingPathComponent("isolated.so"), warningsAsErrors: false)
            let manifest: [String: Any] = [
                "id": id, "name": "Isolated", "version": version, "kind": "native", "entry": entryName,
                "abi": ["min": 1, "max": 1], "category": "testing", "capabilities": ["storage"],
                "isolation": isolated ? "process" : "in-process",
            ]
            try PackageStager.stage(manifest: manifest, payload: library, entryName: entryName, into: package)
        } catch let error as TestSupportError {
            throw BenchmarkSetupError(.fixtureBuildFailed, "cannot build or stage isolated_extension.c under \(root.path)", cause: error.description)
        } catch {
            throw BenchmarkSetupError(.fixtureBuildFailed, "cannot create folders under \(root.path)", cause: "\(error)")
        }
        return IsolatedFixturePackage(extensionsDirectory: extensions, libraryPath: package.appendingPathComponent(entryName).path)
    }
}
