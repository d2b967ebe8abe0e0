import Foundation
import HyperMeshManifest

/// Checks that a package folder holds exactly the files its manifest lists, each with the listed
/// SHA-256. This runs before any byte of the payload is mapped.
///
/// Files the package may carry without listing them: `extension.json` itself and
/// `extension.sig` (the signature covers the manifest, which covers everything else).
/// Not checked here: signatures and certificates.
public enum PackageFiles {
    /// Names that belong to the package format rather than to the extension.
    public static let formatFiles: Set<String> = [Manifest.fileName, "extension.sig"]

    /// Verifies `directory` against `manifest.files`. Throws the first problem found, in a stable
    /// order (missing and mismatched files by path, then unlisted files by path).
    public static func verify(_ directory: URL, manifest: Manifest) throws(PackageError) {
        let root = directory.standardizedFileURL.resolvingSymlinksInPath()
        if !manifest.files.keys.contains(manifest.entry) {
            throw PackageError(code: .fileMissing,
                               message: "the manifest's files do not list the entry '\(manifest.entry)'; add its SHA-256 to \"files\"",
                               path: manifest.entry)
        }
        for (relativePath, expected) in manifest.files.sorted(by: { $0.key < $1.key }) {
            let file = try resolve(relativePath, in: root)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw PackageError(code: .fileMissing, message: "'\(relativePath)' is listed in the manifest but not in the package",
                                   path: relativePath)
            }
            let actual = try FileDigest.sha256Hex(ofFileAt: file)
            guard actual == expected.lowercased() else {
                throw PackageError(code: .digestMismatch,
                                   message: "'\(relativePath)' has SHA-256 \(actual) but the manifest says \(expected): the package was modified or the manifest is stale",
                                   path: relativePath)
            }
        }
        for relativePath in try allFiles(in: root) where !manifest.files.keys.contains(relativePath) && !formatFiles.contains(relativePath) {
            throw PackageError(code: .unlistedFile,
                               message: "'\(relativePath)' is in the package but not listed in the manifest's files; list it or remove it",
                               path: relativePath)
        }
    }

    /// Resolves a manifest path inside the package, refusing anything that leaves it.
    public static func resolve(_ relativePath: String, in root: URL) throws(PackageError) -> URL {
        let components = relativePath.split(separator: "/", omittingEmptySubsequences: false)
        guard !relativePath.isEmpty, !relativePath.hasPrefix("/"),
              !components.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) else {
            throw PackageError(code: .pathEscapes, message: "'\(relativePath)' is not a plain relative path inside the package", path: relativePath)
        }
        let file = root.appendingPathComponent(relativePath).resolvingSymlinksInPath()
        guard file.path.hasPrefix(root.path + "/") else {
            throw PackageError(code: .pathEscapes, message: "'\(relativePath)' resolves outside the package (a symlink?)", path: relativePath)
        }
        return file
    }

    /// Every regular file below `root`, as package-relative paths, sorted.
    static func allFiles(in root: URL) throws(PackageError) -> [String] {
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey, .isSymbolicLinkKey]) else {
            throw PackageError(code: .fileUnreadable, message: "cannot list the package folder", path: root.path)
        }
        var files: [String] = []
        let prefix = root.path + "/"
        for case let url as URL in enumerator {
            let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .isSymbolicLinkKey])
            guard values?.isRegularFile == true || values?.isSymbolicLink == true else { continue }
            let path = url.standardizedFileURL.path
            let relative = path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : url.lastPathComponent
            files.append(relative)
        }
        return files.sorted()
    }
}
