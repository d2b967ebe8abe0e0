import Crypto
import Foundation
import HyperMeshManifest
import HyperMeshTrust

/// The floor of package verification: what any verifier must do at the least. Read every file of
/// the package, take the SHA-256 of each, and verify one Ed25519 signature over the manifest's
/// bytes with a public key already in memory. No manifest decoding, no PEM or X.509 parsing, no
/// chain, validity or revocation check, no comparison with the listed digests.
public struct RawPackageCheck: Sendable {
    /// Every file of the package (manifest first), as absolute paths.
    public let files: [String]
    public let signature: [UInt8]
    public let publicKey: Curve25519.Signing.PublicKey

    /// Prepares the floor for the signed package at `directory`, signed with `authority`'s
    /// code-signing key (Ed25519).
    public init(packageAt directory: URL, authority: DevelopmentCA) throws(BenchmarkSetupError) {
        do {
            let signature = try PackageSignature(contentsOf: directory.appendingPathComponent(PackageSignature.fileName))
            guard let key = Curve25519.Signing.PublicKey(authority.signingCertificate.publicKey) else {
                throw BenchmarkSetupError(.sanityCheckFailed, "the benchmark CA must sign with Ed25519")
            }
            let names = try FileManager.default.subpathsOfDirectory(atPath: directory.path)
                .filter { $0 != Manifest.fileName && $0 != PackageSignature.fileName }
                .filter { name in
                    var isFolder: ObjCBool = false
                    FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path, isDirectory: &isFolder)
                    return !isFolder.boolValue
                }
                .sorted()
            files = ([Manifest.fileName] + names).map { directory.appendingPathComponent($0).path }
            self.signature = signature.signature
            self.publicKey = key
        } catch let error as BenchmarkSetupError {
            throw error
        } catch {
            throw BenchmarkSetupError(.fixtureBuildFailed, "cannot prepare the raw check of \(directory.path)", cause: "\(error)")
        }
    }

    /// Reads and hashes every file, verifies the signature over the manifest; returns whether it
    /// verified, and fails if a file cannot be read.
    public func run() throws(BenchmarkSetupError) -> Bool {
        var manifestBytes = Data()
        for (index, path) in files.enumerated() {
            guard let bytes = FileManager.default.contents(atPath: path) else {
                throw BenchmarkSetupError(.runtimeFailed, "cannot read \(path)")
            }
            if index == 0 { manifestBytes = bytes }
            _ = SHA256.hash(data: bytes)
        }
        return publicKey.isValidSignature(signature, for: manifestBytes)
    }
}
