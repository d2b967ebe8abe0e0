import Foundation
import HyperMeshTestSupport

/// What a reload benchmark swaps: two versions (1.0.0 and 1.0.1) of one extension, each a
/// separately compiled library that reports its own version.
public enum ReloadSubject: Sendable, CustomStringConvertible {
    /// `Tests/Fixtures/c/fixture_extension.c` (`echo`, `version`, …) as `org.bench.reload`, in-process
    /// or in a worker process.
    case cFixture(isolated: Bool)
    /// `Examples/hello-swift/HelloExtension.swift`, built with `swiftc -Onone` against the
    /// HyperMeshExtensionKit sources (``ExtensionBuilder/buildSwift(sources:moduleName:output:)``),
    /// its version rewritten in the source. In-process only.
    case swiftHello

    public static let versions = ["1.0.0", "1.0.1"]
    static let cFixtureID = "org.bench.reload"

    public var description: String {
        switch self {
        case .cFixture(let isolated): isolated ? "C fixture, isolated" : "C fixture, in-process"
        case .swiftHello: "Swift hello"
        }
    }

    public var id: String {
        switch self {
        case .cFixture: Self.cFixtureID
        case .swiftHello: "org.hypermesh.examples.hello.swift"
        }
    }

    /// A method that answers without touching the host, and an input for it.
    public var cheapCall: (method: String, input: [UInt8]) {
        switch self {
        case .cFixture: ("echo", Array(#"{"payload":"ab"}"#.utf8))
        case .swiftHello: ("greet", Array(#"{"name":"x"}"#.utf8))
        }
    }

    /// Builds version `version` and stages it as the package folder `directory`.
    func stage(version: String, into directory: URL, builds: URL) throws(TestSupportError) {
        switch self {
        case .cFixture(let isolated):
            let entry = "libfixture.so"
            let library = try ExtensionBuilder.buildFixture(
                defines: ["FIXTURE_ID": ExtensionBuilder.cString(id), "FIXTURE_VERSION": ExtensionBuilder.cString(version)],
                output: builds.appendingPathComponent("fixture-\(version).so"))
            let manifest: [String: Any] = [
                "id": id, "name": "Reload fixture", "version": version, "kind": "native", "entry": entry,
                "abi": ["min": 1, "max": 1], "category": "testing", "capabilities": ["storage", "events", "assetManagement"],
                "isolation": isolated ? "process" : "in-process",
            ]
            try PackageStager.stage(manifest: manifest, payload: library, entryName: entry, into: directory)
        case .swiftHello:
            let example = ExtensionBuilder.repositoryRoot.appendingPathComponent("Examples/hello-swift")
            let original: String
            do {
                original = try String(contentsOf: example.appendingPathComponent("HelloExtension.swift"), encoding: .utf8)
            } catch {
                throw TestSupportError(code: .sourceMissing, message: "cannot read Examples/hello-swift/HelloExtension.swift", cause: "\(error)")
            }
            let marker = #"version: "1.0.0""#
            guard original.components(separatedBy: marker).count == 2 else {
                throw TestSupportError(code: .invalidArgument, message: "HelloExtension.swift no longer declares \(marker) exactly once")
            }
            let source = builds.appendingPathComponent("HelloExtension-\(version).swift")
            do {
                try original.replacingOccurrences(of: marker, with: #"version: "\#(version)""#).write(to: source, atomically: true, encoding: .utf8)
            } catch {
                throw TestSupportError(code: .fileSystem, message: "cannot write \(source.path)", cause: "\(error)")
            }
            let library = try ExtensionBuilder.buildSwift(
                sources: [source], moduleName: "HelloExtension", output: builds.appendingPathComponent("hello-\(version).so"))
            var manifest = try PackageStager.loadTemplate(example.appendingPathComponent("extension.template.json"))
            manifest["version"] = version
            manifest["files"] = nil
            try PackageStager.stage(manifest: manifest, payload: library, entryName: manifest["entry"] as? String ?? "libHelloExtension.so",
                                    into: directory)
        }
    }
}
