import Foundation
import HyperMeshManifest
import HyperMeshTrust

/// A package found on a search path whose manifest decoded and whose files match their digests.
public struct DiscoveredPackage: Sendable, Hashable {
    /// The package folder.
    public let directory: URL
    public let manifest: Manifest
    /// The payload (`manifest.entry` inside the folder).
    public var payload: URL { directory.appendingPathComponent(manifest.entry) }
}

/// A folder that looked like a package but cannot be used, and why.
public struct DiscoveryProblem: Sendable, Equatable {
    public let directory: URL
    public let error: ExtensionError
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
/// Each package is checked before it is reported usable: the manifest decodes strictly and every
/// file matches its SHA-256 in the manifest. Nothing is loaded.
public enum ExtensionDiscovery {
    public static func discover(in searchPaths: [URL]) -> DiscoveryResult {
        var result = DiscoveryResult(searchedPaths: searchPaths)
        var seen: [String: URL] = [:]
        for directory in searchPaths.flatMap(packageDirectories(in:)) {
            switch inspect(directory) {
            case .success(let package):
                if let first = seen[package.manifest.id] {
                    result.problems.append(DiscoveryProblem(directory: directory, error: ExtensionError(
                        .duplicateExtension, extensionID: package.manifest.id,
                        "ignored: the same id was already found at \(first.path), which comes first in the search path")))
                } else {
                    seen[package.manifest.id] = directory
                    result.packages.append(package)
                }
            case .failure(let error):
                result.problems.append(DiscoveryProblem(directory: directory, error: error))
            }
        }
        return result
    }

    /// Reads and checks one package folder.
    public static func inspect(_ directory: URL) -> Result<DiscoveredPackage, ExtensionError> {
        let manifest: Manifest
        do {
            manifest = try ManifestDecoder.load(from: directory)
        } catch {
            return .failure(ExtensionError(.invalidManifest, extensionID: nil,
                                           "\(directory.lastPathComponent)/\(Manifest.fileName) is not a valid manifest",
                                           cause: error.description))
        }
        do {
            try PackageFiles.verify(directory, manifest: manifest)
        } catch {
            return .failure(ExtensionError(.invalidPackage, extensionID: manifest.id,
                                           "package at \(directory.path) failed its file check", cause: error.description))
        }
        return .success(DiscoveredPackage(directory: directory, manifest: manifest))
    }

    static func packageDirectories(in searchPath: URL) -> [URL] {
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: searchPath.appendingPathComponent(Manifest.fileName).path) {
            return [searchPath]
        }
        // Path-based listing: a child is a package if `child/extension.json` exists (which also
        // means the child is a folder). Foundation's URL resource values are slow on Linux.
        guard let names = try? fileManager.contentsOfDirectory(atPath: searchPath.path) else { return [] }
        return names.sorted()
            .map { searchPath.appendingPathComponent($0) }
            .filter { fileManager.fileExists(atPath: $0.appendingPathComponent(Manifest.fileName).path) }
    }
}
