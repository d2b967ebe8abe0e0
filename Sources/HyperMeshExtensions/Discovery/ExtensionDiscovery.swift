import Foundation
import HyperMeshManifest
import HyperMeshTrust

/// A package found on a search path that passed verification: its manifest decoded, its files
/// match their digests, and it is signed by a trusted, valid, unrevoked code-signing certificate
/// (or unsigned, when the verifier allows that for development). Only discovery creates these, so
/// the registry cannot be handed a package that skipped verification.
public struct DiscoveredPackage: Sendable, Hashable {
    /// The package folder.
    public let directory: URL
    public let manifest: Manifest
    /// What verification found: the signer, the chain and each check.
    public let verification: VerificationReport
    /// The payload (`manifest.entry` inside the folder).
    public var payload: URL { directory.appendingPathComponent(manifest.entry) }
}

/// A folder that looked like a package but cannot be used, and why.
public struct DiscoveryProblem: Error, Sendable, Equatable {
    public let directory: URL
    public let error: ExtensionError
    /// The verification report, when the package was refused by verification.
    public let verification: VerificationReport?

    public init(directory: URL, error: ExtensionError, verification: VerificationReport? = nil) {
        self.directory = directory
        self.error = error
        self.verification = verification
    }
}

/// What a discovery pass found: usable packages (first occurrence of each id, in search-path
/// order) and problems (broken packages, shadowed duplicates). One broken package never stops
/// the others.
public struct DiscoveryResult: Sendable {
    public var packages: [DiscoveredPackage] = []
    public var problems: [DiscoveryProblem] = []
    /// The search paths that were looked at, in order.
    public var searchedPaths: [URL] = []
}

/// Finds extension packages: folders that contain `extension.json`, either the search path itself
/// or its direct subfolders (sorted by name, so results are deterministic).
///
/// Each package is verified before it is reported usable: the manifest decodes strictly, then
/// `verifier` checks every file digest, the signature, the chain, validity, code-signing usage and
/// revocation (see ``PackageVerifier``). Nothing is loaded.
public enum ExtensionDiscovery {
    public static func discover(in searchPaths: [URL], verifier: PackageVerifier) async -> DiscoveryResult {
        var result = DiscoveryResult(searchedPaths: searchPaths)
        var seen: [String: URL] = [:]
        for directory in searchPaths.flatMap(packageDirectories(in:)) {
            switch await inspect(directory, verifier: verifier) {
            case .success(let package):
                if let first = seen[package.manifest.id] {
                    result.problems.append(DiscoveryProblem(directory: directory, error: ExtensionError(
                        .duplicateExtension, extensionID: package.manifest.id,
                        "ignored: the same id was already found at \(first.path), which comes first in the search path")))
                } else {
                    seen[package.manifest.id] = directory
                    result.packages.append(package)
                }
            case .failure(let problem):
                result.problems.append(problem)
            }
        }
        return result
    }

    /// Reads and verifies one package folder.
    public static func inspect(_ directory: URL, verifier: PackageVerifier) async -> Result<DiscoveredPackage, DiscoveryProblem> {
        let manifest: Manifest
        let bytes: Data
        do throws(ManifestError) {
            (manifest, bytes) = try ManifestDecoder.loadWithBytes(from: directory)
        } catch {
            return .failure(DiscoveryProblem(directory: directory, error: ExtensionError(
                .invalidManifest, extensionID: nil,
                "\(directory.lastPathComponent)/\(Manifest.fileName) is not a valid manifest", cause: error)))
        }
        let report = await verifier.verify(packageAt: directory, manifest: manifest, manifestBytes: bytes)
        if let failure = report.failure {
            let code: ExtensionErrorCode = failure.code == .fileCheckFailed ? .invalidPackage : .untrustedPackage
            let what = failure.code == .fileCheckFailed ? "failed its file check" : "failed verification (check '\(failure.check?.rawValue ?? "?")')"
            return .failure(DiscoveryProblem(
                directory: directory,
                error: ExtensionError(code, extensionID: manifest.id, "package at \(directory.path) \(what)", cause: failure.description),
                verification: report))
        }
        return .success(DiscoveredPackage(directory: directory, manifest: manifest, verification: report))
    }

    static func packageDirectories(in searchPath: URL) -> [URL] {
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: searchPath.appendingPathComponent(Manifest.fileName).path) {
            return [searchPath]
        }
        // Path-based listing: a child is a package if `child/extension.json` exists (which also
        // means the child is a folder). Foundation's URL resource values are slow on Linux.
        guard let names = try? fileManager.contentsOfDirectory(atPath: searchPath.path) else { return [] }
        // Hidden folders are skipped: the store stages packages in `installed/.staging-…` before
        // renaming them into place, and a half-written copy must never be discovered.
        return names.filter { !$0.hasPrefix(".") }.sorted()
            .map { searchPath.appendingPathComponent($0) }
            .filter { fileManager.fileExists(atPath: $0.appendingPathComponent(Manifest.fileName).path) }
    }
}
