import Foundation
import HyperMeshTestSupport

/// Fixture extensions (`Tests/Fixtures/c/fixture_extension.c` of the root package) built and
/// staged as unsigned packages, the way the runtime's tests stage them.
public struct FixturePackages: Sendable {
    /// The folder holding one package folder per extension (a discovery search path).
    public let extensionsDirectory: URL
    /// The extension ids, sorted: `org.bench.e000`, `org.bench.e001`, …
    public let ids: [String]

    /// The staged library (`libfixture.so`) of every extension, in ``ids`` order.
    public var libraryPaths: [String] {
        ids.map { extensionsDirectory.appendingPathComponent($0).appendingPathComponent(Self.entryName).path }
    }

    /// The payload's file name inside each package.
    public static let entryName = "libfixture.so"

    /// The id of the `index`-th extension: `org.bench.e` and three digits.
    public static func id(_ index: Int) -> String {
        "org.bench.e" + String(repeating: "0", count: max(0, 3 - String(index).count)) + String(index)
    }

    /// Compiles `count` distinct fixture libraries (each reporting its own id, version 1.0.0) and
    /// stages them under `<root>/extensions/<id>`. Every library is a separate file, so loading
    /// them maps `count` distinct images. Takes about a tenth of a second per library (clang).
    public static func build(count: Int, under root: URL) throws(BenchmarkSetupError) -> FixturePackages {
        let extensions = root.appendingPathComponent("extensions")
        let builds = root.appendingPathComponent("build")
        let ids = (0..<count).map(id)
        do {
            try FileManager.default.createDirectory(at: builds, withIntermediateDirectories: true)
            for id in ids {
                let library = try ExtensionBuilder.buildC(
                    source: ExtensionBuilder.fixtureSource,
                    defines: ["FIXTURE_ID": ExtensionBuilder.cString(id), "FIXTURE_VERSION": ExtensionBuilder.cString("1.0.0")],
                    output: builds.appendingPathComponent("lib-\(id).so"))
                let manifest: [String: Any] = [
                    "id": id, "name": "Benchmark fixture \(id)", "version": "1.0.0", "kind": "native",
                    "entry": entryName, "abi": ["min": 1, "max": 1], "category": "testing",
                    "capabilities": ["storage", "events", "assetManagement"],
                ]
                try PackageStager.stage(
                    manifest: manifest, payload: library, entryName: entryName,
                    into: extensions.appendingPathComponent(id))
            }
        } catch let error as TestSupportError {
            throw BenchmarkSetupError(.fixtureBuildFailed, "cannot build or stage the fixture extensions under \(root.path)", cause: error.description)
        } catch {
            throw BenchmarkSetupError(.fixtureBuildFailed, "cannot create \(builds.path)", cause: "\(error)")
        }
        return FixturePackages(extensionsDirectory: extensions, ids: ids)
    }
}
