import Foundation
import HyperMeshManifest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks that a package folder holds exactly the files its manifest lists, each with the listed
/// SHA-256. This runs before any byte of the payload is mapped.
///
/// Files the package may carry without listing them: `extension.json` itself and
/// `extension.sig` (the signature covers the manifest, which covers everything else). Every file
/// is opened as a regular file only (``RegularFile``); an entry that is a FIFO, a device or a
/// socket is refused (`notRegularFile`), listed or not, without being opened.
/// Not checked here: signatures and certificates.
public enum PackageFiles {
    /// Names that belong to the package format rather than to the extension.
    public static let formatFiles: Set<String> = [Manifest.fileName, "extension.sig"]

    /// Verifies `directory` against `manifest.files`. Throws the first problem found, in a stable
    /// order (missing and mismatched files by path, then unlisted files by path).
    ///
    /// The folder is walked once (``entries(in:)``); a listed file the walk saw as a regular file
    /// below real folders is opened at its path in the package directly, since following symlinks
    /// inside the package could not change that path; any other listed path (a symlink, a path
    /// through a linked folder, a missing file) is resolved with `realpath(3)` by
    /// ``resolve(_:in:)`` and must stay inside the package folder, itself resolved with
    /// `realpath(3)` (only then: a package of plain files needs no resolution).
    public static func verify(_ directory: URL, manifest: Manifest) throws(PackageError) {
        let folderPath = directory.path
        var resolvedRoot: String?
        func rootPath() -> String {
            if let resolvedRoot { return resolvedRoot }
            let resolved = realPath(folderPath) ?? directory.standardizedFileURL.path
            resolvedRoot = resolved
            return resolved
        }
        if !manifest.files.keys.contains(manifest.entry) {
            throw PackageError(code: .fileMissing,
                               message: "the manifest's files do not list the entry '\(manifest.entry)'; add its SHA-256 to \"files\"",
                               path: manifest.entry)
        }
        // The walk runs first, but its own failure is reported after the listed files' problems,
        // in the order documented above.
        let walk: Result<[Entry], PackageError>
        do throws(PackageError) {
            walk = .success(try entries(inFolder: folderPath))
        } catch {
            walk = .failure(error)
        }
        let plainFiles: Set<String>
        if case .success(let found) = walk {
            plainFiles = Set(found.lazy.filter(\.isPlainFile).map(\.path))
        } else {
            plainFiles = []
        }
        for (relativePath, expected) in manifest.files.sorted(by: { $0.key < $1.key }) {
            let filePath = plainFiles.contains(relativePath)
                ? folderPath + "/" + relativePath : try resolvedPath(relativePath, inFolder: rootPath())
            let actual: String
            do throws(RegularFileError) {
                actual = try FileDigest.sha256Hex(of: try RegularFile(path: filePath))
            } catch {
                if case .missing = error {
                    throw PackageError(code: .fileMissing, message: "'\(relativePath)' is listed in the manifest but not in the package",
                                       path: relativePath)
                }
                throw PackageError(error, path: relativePath)
            }
            guard actual == expected.lowercased() else {
                throw PackageError(code: .digestMismatch,
                                   message: "'\(relativePath)' has SHA-256 \(actual) but the manifest says \(expected): the package was modified or the manifest is stale",
                                   path: relativePath)
            }
        }
        for entry in try walk.get() {
            if let kind = entry.nonRegularKind {
                throw PackageError(code: .notRegularFile,
                                   message: "'\(entry.path)' is a \(kind), not a regular file; a package may hold only regular files (and folders): remove it",
                                   path: entry.path)
            }
            if !manifest.files.keys.contains(entry.path) && !formatFiles.contains(entry.path) {
                throw PackageError(code: .unlistedFile,
                                   message: "'\(entry.path)' is in the package but not listed in the manifest's files; list it or remove it",
                                   path: entry.path)
            }
        }
    }

    /// Resolves a manifest path inside the package, refusing anything that leaves it.
    public static func resolve(_ relativePath: String, in root: URL) throws(PackageError) -> URL {
        URL(fileURLWithPath: try resolvedPath(relativePath, inFolder: root.path), isDirectory: false)
    }

    /// ``resolve(_:in:)`` as a path, in the folder at `rootPath` (already resolved).
    static func resolvedPath(_ relativePath: String, inFolder rootPath: String) throws(PackageError) -> String {
        let components = relativePath.split(separator: "/", omittingEmptySubsequences: false)
        guard !relativePath.isEmpty, !relativePath.hasPrefix("/"),
              !components.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) else {
            throw PackageError(code: .pathEscapes, message: "'\(relativePath)' is not a plain relative path inside the package", path: relativePath)
        }
        let candidate = rootPath + "/" + relativePath
        // A missing file resolves to itself (the caller reports it missing); an existing one must
        // stay inside the package once every symlink is followed.
        let resolved = realPath(candidate) ?? candidate
        guard resolved.hasPrefix(rootPath + "/") else {
            throw PackageError(code: .pathEscapes, message: "'\(relativePath)' resolves outside the package (a symlink?)", path: relativePath)
        }
        return resolved
    }

    /// `realpath(3)`: the absolute path with every symlink followed, or nil if it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// An entry of the package folder other than a folder: a regular file or a symlink
    /// (`nonRegularKind` nil), or something that does not belong in a package (a FIFO, a device, a
    /// socket), named by `nonRegularKind`.
    struct Entry: Equatable {
        let path: String
        let nonRegularKind: String?
        /// A regular file (not a symlink) reached through real folders only: its path inside the
        /// package is already its resolved path.
        var isPlainFile = false
    }

    /// Every entry below `root` except folders, as package-relative paths, sorted. Nothing is
    /// opened but the folders.
    static func entries(in root: URL) throws(PackageError) -> [Entry] {
        try entries(inFolder: root.path)
    }

    /// Every entry below the folder at `rootPath`, as ``entries(in:)``. Lists each folder with
    /// `readdir(3)` and takes the type from the entry (`d_type`), calling `lstat` only where the
    /// file system does not report it; descends into real folders only, never through a symlink.
    /// (Foundation's listing and resource values cost tens of µs per file on Linux.)
    static func entries(inFolder rootPath: String) throws(PackageError) -> [Entry] {
        var entries: [Entry] = []
        var folders = [""]
        while let folder = folders.popLast() {
            let absolute = folder.isEmpty ? rootPath : rootPath + "/" + folder
            guard let stream = opendir(absolute) else {
                throw PackageError(code: .fileUnreadable, message: "cannot list the package folder", path: absolute)
            }
            defer { closedir(stream) }
            while let record = readdir(stream) {
                let name = withUnsafeBytes(of: record.pointee.d_name) { bytes in
                    String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                let relative = folder.isEmpty ? name : folder + "/" + name
                var mode: mode_t
                switch Int32(record.pointee.d_type) {
                case Int32(DT_DIR): mode = S_IFDIR
                case Int32(DT_REG): mode = S_IFREG
                case Int32(DT_LNK): mode = S_IFLNK
                default:
                    // DT_UNKNOWN, or a FIFO, device or socket: lstat names it exactly.
                    var info = stat()
                    guard lstat(absolute + "/" + name, &info) == 0 else { continue }
                    mode = info.st_mode & S_IFMT
                }
                switch mode {
                case S_IFDIR: folders.append(relative)
                case S_IFREG: entries.append(Entry(path: relative, nonRegularKind: nil, isPlainFile: true))
                case S_IFLNK: entries.append(Entry(path: relative, nonRegularKind: nil))
                default: entries.append(Entry(path: relative, nonRegularKind: RegularFile.kindName(mode)))
                }
            }
        }
        return entries.sorted { $0.path < $1.path }
    }
}
