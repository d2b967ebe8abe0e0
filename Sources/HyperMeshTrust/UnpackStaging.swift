import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh, hidden folder beside the destination that receives the entries of an archive being
/// unpacked. When everything is in, `commit` renames it onto the destination in one step; on any
/// error `discard` removes it, so the destination is never seen half-written.
///
/// Everything is created relative to open folder descriptors, one component at a time, with
/// `O_NOFOLLOW`: a folder component that turns out to be a symlink or a file is refused, and a
/// file is created with `O_CREAT | O_EXCL | O_NOFOLLOW`, so nothing is ever written through a
/// symlink, whatever was unpacked before. Modes: folders 0755, files 0644 or 0755 (executable),
/// both reduced by the umask; never setuid, setgid or sticky. Timestamps are not restored.
final class UnpackStaging {
    let url: URL
    private var root: Int32

    /// Creates the staging folder in the destination's parent folder, which must exist.
    init(beside destination: URL) throws(ArchiveError) {
        let parent = destination.deletingLastPathComponent()
        url = parent.appendingPathComponent(".\(destination.lastPathComponent).unpacking-\(UUID().uuidString)", isDirectory: true)
        guard mkdir(url.path, 0o755) == 0 else {
            throw ArchiveError(code: .io, message: "cannot create a folder in \(parent.path) to unpack into (does it exist and is it writable?)",
                               cause: lastErrorText())
        }
        root = open(url.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard root >= 0 else {
            let cause = lastErrorText()
            try? FileManager.default.removeItem(at: url)
            throw ArchiveError(code: .io, message: "cannot open the folder \(url.path)", cause: cause)
        }
    }

    deinit {
        if root >= 0 { close(root) }
    }

    /// Creates the folder at `components` (and any missing parents).
    func makeDirectory(_ components: [String], entry: String) throws(ArchiveError) {
        let folder = try openFolder(components, entry: entry)
        close(folder)
    }

    /// Creates the file at `components`, which must not exist, and returns it open for writing.
    func createFile(_ components: [String], executable: Bool, entry: String) throws(ArchiveError) -> UnpackedFile {
        let parent = try openFolder(components.dropLast(), entry: entry)
        defer { close(parent) }
        let mode: mode_t = executable ? 0o755 : 0o644
        let descriptor = openat(parent, components.last!, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            throw creationError(entry: entry)
        }
        return UnpackedFile(descriptor: descriptor, entry: entry)
    }

    /// Creates the symlink at `components` with the (already checked) `target`.
    func makeSymlink(_ components: [String], target: String, entry: String) throws(ArchiveError) {
        let parent = try openFolder(components.dropLast(), entry: entry)
        defer { close(parent) }
        guard symlinkat(target, parent, components.last!) == 0 else {
            throw creationError(entry: entry)
        }
    }

    /// Moves the staging folder onto `destination`, which must be absent or an empty folder.
    func commit(to destination: URL) throws(ArchiveError) {
        close(root)
        root = -1
        guard rename(url.path, destination.path) == 0 else {
            let code = errno
            if code == EEXIST || code == ENOTEMPTY || code == ENOTDIR || code == EISDIR {
                throw ArchiveError(code: .destinationExists, message: "\(destination.path) appeared while the archive was unpacked; nothing was changed")
            }
            throw ArchiveError(code: .io, message: "cannot move the unpacked folder to \(destination.path)", cause: String(cString: strerror(code)))
        }
    }

    /// Removes the staging folder and everything in it (symlinks are removed, not followed).
    func discard() {
        if root >= 0 {
            close(root)
            root = -1
        }
        try? FileManager.default.removeItem(at: url)
    }

    /// Opens (creating as needed) the folder at `components`, refusing any component that is not a
    /// real folder. The caller closes the returned descriptor.
    private func openFolder(_ components: ArraySlice<String>, entry: String) throws(ArchiveError) -> Int32 {
        var current = dup(root)
        guard current >= 0 else {
            throw ArchiveError(code: .io, message: "cannot open the folder \(url.path)", entry: entry, cause: lastErrorText())
        }
        for name in components {
            if mkdirat(current, name, 0o755) != 0, errno != EEXIST {
                let error = creationError(entry: entry)
                close(current)
                throw error
            }
            let next = openat(current, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            let error = next < 0 ? creationError(entry: entry) : nil
            close(current)
            if let error { throw error }
            current = next
        }
        return current
    }

    private func openFolder(_ components: [String], entry: String) throws(ArchiveError) -> Int32 {
        try openFolder(components[...], entry: entry)
    }

    /// The error for a failed create or open, from `errno`.
    private func creationError(entry: String) -> ArchiveError {
        let code = errno
        let cause = String(cString: strerror(code))
        switch code {
        case EEXIST:
            return ArchiveError(code: .duplicateEntry, message: "entry '\(entry)' already exists in the unpacked folder", entry: entry, cause: cause)
        case ELOOP, ENOTDIR:
            return ArchiveError(code: .pathThroughLink,
                                message: "entry '\(entry)' would be written through a symlink or below a file; refused", entry: entry, cause: cause)
        default:
            return ArchiveError(code: .io, message: "cannot create entry '\(entry)' in \(url.path)", entry: entry, cause: cause)
        }
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif

/// A file being unpacked, open for writing; `finish` closes it and reports a failed close.
final class UnpackedFile {
    private var descriptor: Int32
    private let entry: String

    init(descriptor: Int32, entry: String) {
        self.descriptor = descriptor
        self.entry = entry
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    func write(_ data: Data) throws(ArchiveError) {
        var written = 0
        while written < data.count {
            let result = data.withUnsafeBytes { raw in
                systemWrite(descriptor, raw.baseAddress! + written, data.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw ArchiveError(code: .io, message: "cannot write entry '\(entry)'", entry: entry, cause: lastErrorText())
            }
            written += result
        }
    }

    func finish() throws(ArchiveError) {
        let result = close(descriptor)
        descriptor = -1
        guard result == 0 else {
            throw ArchiveError(code: .io, message: "cannot write entry '\(entry)'", entry: entry, cause: lastErrorText())
        }
    }
}
