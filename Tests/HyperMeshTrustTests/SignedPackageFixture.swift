import Foundation
import HyperMeshManifest
import HyperMeshTestSupport
import HyperMeshTrust

/// A small package folder on disk (a payload and a data file, listed in the manifest) for the
/// signing tests; nothing is loaded, so the payload need not be a real library.
struct SignedPackageFixture {
    let directory: URL
    let manifest: Manifest

    init(id: String = "org.tests.signed", payload: String = "payload bytes") throws {
        directory = ExtensionBuilder.temporaryDirectory().appendingPathComponent(id)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("data"), withIntermediateDirectories: true)
        let files = ["lib.so": payload, "data/notes.txt": "notes for \(id)"]
        var digests: [String: String] = [:]
        for (name, content) in files {
            try Data(content.utf8).write(to: directory.appendingPathComponent(name))
            digests[name] = FileDigest.sha256Hex(of: Array(content.utf8))
        }
        manifest = Manifest(id: id, name: "Signed", version: SemanticVersion(1, 0, 0), kind: .native, entry: "lib.so",
                            abi: ABIRange(min: 1, max: 1), category: "testing", files: digests)
        try ManifestEncoder.encode(manifest).write(to: manifestFile)
    }

    var manifestFile: URL { directory.appendingPathComponent(Manifest.fileName) }
    var signatureFile: URL { directory.appendingPathComponent(PackageSignature.fileName) }

    func verify(with verifier: PackageVerifier) async throws -> VerificationReport {
        try await verifier.verify(packageAt: directory).report
    }

    /// Flips one byte of a file of the package, in place.
    func flipByte(of relativePath: String, at offset: Int = 0) throws {
        let file = directory.appendingPathComponent(relativePath)
        var bytes = try Data(contentsOf: file)
        bytes[offset] ^= 0x01
        try bytes.write(to: file)
    }
}
