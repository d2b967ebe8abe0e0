import Foundation
import HyperMeshManifest
import HyperMeshTestSupport
import HyperMeshTrust
@testable import HyperMeshRegistry

/// Package folders and trust for the store, artifact and index tests.
struct PackageFixtures {
    let ca: DevelopmentCA
    let root: URL

    init() throws {
        ca = try DevelopmentCA.generate()
        root = ExtensionBuilder.temporaryDirectory()
    }

    var verifier: PackageVerifier { PackageVerifier(trustStore: TrustStore(roots: [ca.root])) }

    /// A wasm-kind package `id` `version` whose payload is `payloadBytes` bytes derived from the
    /// version (so versions differ), signed unless `signed` is false.
    func package(id: String = "org.example.hello", version: String, abi: (UInt32, UInt32) = (1, 1),
                 dependencies: [String: String] = [:], payloadBytes: Int = 4096, signed: Bool = true,
                 extraFiles: [String: Data] = [:]) throws -> URL {
        let folder = root.appendingPathComponent("\(id)-\(version)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var payload = Data(count: payloadBytes)
        let seed = Array("\(id)@\(version)".utf8)
        for index in 0..<payloadBytes { payload[index] = seed[index % seed.count] &+ UInt8(truncatingIfNeeded: index / seed.count) }
        var files: [String: String] = [:]
        for (path, bytes) in extraFiles.merging(["hello.wasm": payload], uniquingKeysWith: { first, _ in first }) {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try bytes.write(to: url)
            files[path] = FileDigest.sha256Hex(of: bytes)
        }
        let manifest: [String: Any] = [
            "id": id, "name": "Hello", "version": version, "kind": "wasm", "entry": "hello.wasm",
            "abi": ["min": abi.0, "max": abi.1], "category": "examples", "capabilities": ["storage"],
            "dependencies": dependencies, "files": files, "description": "Says hello",
        ]
        let data = try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys])
        try data.write(to: folder.appendingPathComponent("extension.json"))
        if signed {
            try PackageSigner.sign(packageAt: folder, key: ca.signingKey, chain: [ca.signingCertificate])
        }
        return folder
    }

    /// A fresh state directory with its store.
    func stateDirectory() throws -> (URL, PackageStore) {
        let state = root.appendingPathComponent("state-\(UUID().uuidString.prefix(8))")
        return (state, try PackageStore(stateDirectory: state))
    }

    /// Writes `folders` into a new OCI layout tagged with their version; returns the layout folder.
    func layout(_ folders: [URL], platforms: [OCIPlatform?]? = nil) throws -> (URL, OCIDigest) {
        let layout = root.appendingPathComponent("layout-\(UUID().uuidString.prefix(8))")
        let artifacts = try folders.enumerated().map { (index, folder) in
            (platform: platforms?[index], artifact: try PackageArtifact.make(fromPackageAt: folder))
        }
        let digest = try OCILayoutWriter.write(artifacts, tag: OCIReference.tag(for: artifacts[0].artifact.manifest.version), to: layout)
        return (layout, digest)
    }

    static let anyReference = try! OCIReference(parsing: "localhost:1/offline/hello:1.0.0")
}
