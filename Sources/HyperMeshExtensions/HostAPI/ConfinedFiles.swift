import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One extension's data folder (`<state>/files/<extension id>`, mode 0700, created on first use)
/// and the only file access the host API offers: read, write and list inside it.
///
/// Every path is checked by ``ConfinedPath`` (no absolute paths, no `..`), then opened one
/// component at a time from a descriptor of the folder with `O_NOFOLLOW`, so a symbolic link
/// anywhere on the path is refused (`ELOOP`) rather than followed, wherever it points. Writes go to
/// a new temporary file in the same folder and replace the target with one `rename`, so a reader
/// never sees half a file. Files are at most ``maximumFileBytes``.
///
/// Not guaranteed: protection against another process that changes the folder while it is used
/// (the descriptors make a swapped-in link harmless, but not a hard link made by someone with
/// access to the state folder).
final class ConfinedFiles: Sendable {
    let root: URL
    static let maximumFileBytes = 16 << 20

    init(root: URL) {
        self.root = root
    }

    func read(_ path: String) throws(ConfinedFileError) -> [UInt8] {
        let parts = try Self.check(path)
        let folder = try openFolder(parts.dropLast(), create: false, path: path)
        defer { close(folder) }
        let file = openat(folder, parts.last!, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard file >= 0 else { throw Self.openError(path) }
        defer { close(file) }
        var status = stat()
        guard fstat(file, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            throw ConfinedFileError.invalid("'\(path)' is not a regular file")
        }
        guard Int(status.st_size) <= Self.maximumFileBytes else {
            throw ConfinedFileError.invalid("'\(path)' is larger than \(Self.maximumFileBytes) bytes")
        }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(file, $0.baseAddress! + done, $0.count - done) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw ConfinedFileError.io("cannot read '\(path)': \(Self.errnoText())") }
            done += count
        }
        return bytes
    }

    /// Writes `bytes` to `path` (creating its folders). `limit` is the storage quota for the
    /// extension's files plus `otherBytes` used in its key-value storage.
    func write(_ path: String, _ bytes: [UInt8], limit: UInt64?, otherBytes: UInt64) throws(ConfinedFileError) {
        let parts = try Self.check(path)
        guard bytes.count <= Self.maximumFileBytes else {
            throw ConfinedFileError.invalid("files are at most \(Self.maximumFileBytes) bytes")
        }
        if let limit {
            let existing = (try? read(path).count) ?? 0
            let after = usedBytes() - UInt64(existing) + UInt64(bytes.count) + otherBytes
            if bytes.count > existing, after > limit {
                throw ConfinedFileError.quota("writing \(bytes.count) bytes to '\(path)' would use \(after) bytes of storage, over the quota of \(limit); nothing was written")
            }
        }
        do {
            try FileManager.default.createDirectory(atPath: root.path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ConfinedFileError.io("cannot create the data folder \(root.path): \(error)")
        }
        let folder = try openFolder(parts.dropLast(), create: true, path: path)
        defer { close(folder) }
        let temporary = ".hypermesh-write-\(UUID().uuidString)"
        let file = openat(folder, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard file >= 0 else { throw ConfinedFileError.io("cannot create a file in the folder of '\(path)': \(Self.errnoText())") }
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(file, $0.baseAddress! + done, $0.count - done) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                let text = Self.errnoText()
                close(file)
                unlinkat(folder, temporary, 0)
                throw ConfinedFileError.io("cannot write '\(path)': \(text)")
            }
            done += count
        }
        close(file)
        guard renameat(folder, temporary, folder, parts.last!) == 0 else {
            let text = Self.errnoText()
            unlinkat(folder, temporary, 0)
            throw ConfinedFileError.invalid("cannot replace '\(path)': \(text)")
        }
    }

    /// The entries of the folder at `path` ("" for the data folder), sorted by name.
    func list(_ path: String) throws(ConfinedFileError) -> [ConfinedFileEntry] {
        let parts = try Self.check(path, allowEmpty: true)
        guard FileManager.default.fileExists(atPath: root.path) || !parts.isEmpty else { return [] }
        let folder = try openFolder(parts[...], create: false, path: path)
        guard let directory = fdopendir(folder) else {
            close(folder)
            throw ConfinedFileError.io("cannot list '\(path)': \(Self.errnoText())")
        }
        defer { closedir(directory) }
        var entries: [ConfinedFileEntry] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name == "." || name == ".." || name.hasPrefix(".hypermesh-write-") { continue }
            var status = stat()
            guard fstatat(folder, name, &status, Int32(AT_SYMLINK_NOFOLLOW)) == 0 else { continue }
            let kind: ConfinedFileEntry.Kind = switch status.st_mode & S_IFMT {
            case S_IFREG: .file
            case S_IFDIR: .folder
            case S_IFLNK: .link
            default: .other
            }
            entries.append(ConfinedFileEntry(name: name, kind: kind, size: kind == .file ? UInt64(status.st_size) : 0))
        }
        return entries.sorted { $0.name < $1.name }
    }

    /// Bytes in regular files under the data folder (links and other entries count 0).
    func usedBytes() -> UInt64 {
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return 0 }
        var total: UInt64 = 0
        while let name = walker.nextObject() as? String {
            var status = stat()
            if lstat(root.appendingPathComponent(name).path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG {
                total += UInt64(status.st_size)
            }
        }
        return total
    }

    private static func check(_ path: String, allowEmpty: Bool = false) throws(ConfinedFileError) -> [String] {
        switch ConfinedPath.components(of: path, allowEmpty: allowEmpty) {
        case .success(let parts): return parts
        case .failure(.escape(let message)): throw ConfinedFileError.escape(message)
        case .failure(.invalid(let message)): throw ConfinedFileError.invalid(message)
        }
    }

    /// Opens the folder at `components` below the root, component by component, never following a link.
    private func openFolder(_ components: ArraySlice<String>, create: Bool, path: String) throws(ConfinedFileError) -> Int32 {
        var current = open(root.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard current >= 0 else {
            throw errno == ENOENT ? ConfinedFileError.notFound("'\(path)' does not exist") : ConfinedFileError.io("cannot open the data folder: \(Self.errnoText())")
        }
        for name in components {
            if create, mkdirat(current, name, 0o700) != 0, errno != EEXIST {
                let error = ConfinedFileError.io("cannot create a folder of '\(path)': \(Self.errnoText())")
                close(current)
                throw error
            }
            let next = openat(current, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            // With O_DIRECTORY, Linux reports a link as "not a folder": tell the two apart.
            let error = next < 0 ? (Self.isLink(name, in: current) ? .escape(Self.linkMessage(path)) : Self.openError(path)) : nil
            close(current)
            if let error { throw error }
            current = next
        }
        return current
    }

    private static func isLink(_ name: String, in folder: Int32) -> Bool {
        var status = stat()
        return fstatat(folder, name, &status, Int32(AT_SYMLINK_NOFOLLOW)) == 0 && (status.st_mode & S_IFMT) == S_IFLNK
    }

    private static func linkMessage(_ path: String) -> String {
        "'\(path)' goes through a symbolic link; links are not followed in the data folder"
    }

    private static func openError(_ path: String) -> ConfinedFileError {
        switch errno {
        case ELOOP: return .escape(linkMessage(path))
        case ENOENT: return .notFound("'\(path)' does not exist")
        case ENOTDIR: return .invalid("a component of '\(path)' is not a folder")
        default: return .io("cannot open '\(path)': \(errnoText())")
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// One entry of a folder listing.
struct ConfinedFileEntry: Sendable, Equatable, Codable {
    enum Kind: String, Sendable, Codable { case file, folder, link, other }
    let name: String
    let kind: Kind
    let size: UInt64
}

/// Why a file function refused: leaving the data folder (a violation), a malformed request, a
/// missing file, the storage quota, or an I/O failure.
enum ConfinedFileError: Error, Equatable {
    case escape(String)
    case invalid(String)
    case notFound(String)
    case quota(String)
    case io(String)
}
