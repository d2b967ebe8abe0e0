import Foundation
import ZIPFoundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Packs a package folder into a `.hmx` archive with ZIPFoundation: folders, regular files
/// (deflated) and symlinks (stored as links), in sorted path order, with fixed timestamps and
/// modes, so the same folder always gives the same bytes with the same compressor (the deflate
/// output may differ between zlib versions, and between zlib and Apple's Compression).
///
/// The folder is checked with the rules unpacking applies (names, symlink targets, limits)
/// before anything is written, so a packed archive always unpacks with the same limits. Other
/// items (FIFOs, sockets, devices) are refused. The archive stays below ZIP64 (at most 65,535
/// entries and 2 GiB of files). ZIPFoundation rewrites the central directory for every entry
/// added, so packing time grows with the square of the entry count: fine for packages, which hold
/// few files. Not guaranteed: a consistent snapshot of a folder that changes while it is packed
/// (a file whose size changes is refused).
enum ArchivePacker {
    /// Most entries the format holds without ZIP64.
    static let maxFormatEntries = 65_535
    /// Most bytes of files packed, keeping every offset well below ZIP64's 4 GiB.
    static let maxFormatBytes: Int64 = 2 << 30
    /// The timestamp every entry gets (1980-01-01 00:00:00 UTC, the earliest ZIP can store).
    static let entryDate = Date(timeIntervalSince1970: 315_532_800)

    struct Item {
        /// Package-relative path, `/`-separated.
        let path: String
        let kind: ArchiveEntryKind
        let size: Int64
        let isExecutable: Bool
        let linkTarget: String?
    }

    static func pack(_ directory: URL, to archive: URL, limits: ArchiveLimits, progress: (PackProgress) -> Void) throws(ArchiveError) {
        let root = try sourceRoot(directory)
        let items = try collect(root)
        try check(items, limits: limits)
        try write(items, from: root, to: archive, progress: progress)
    }

    /// The folder with every symlink on the way followed; it must be a folder.
    private static func sourceRoot(_ directory: URL) throws(ArchiveError) -> String {
        guard let resolved = PackageFiles.realPath(directory.path) else {
            throw ArchiveError(code: .io, message: "the package folder \(directory.path) does not exist or cannot be reached", cause: lastErrorText())
        }
        var info = stat()
        guard stat(resolved, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw ArchiveError(code: .io, message: "\(directory.path) is not a folder; pack expects a package folder")
        }
        return resolved
    }

    /// Every folder, file and symlink below `root` (with `lstat`: links are not followed), sorted by path.
    private static func collect(_ root: String) throws(ArchiveError) -> [Item] {
        var items: [Item] = []
        var folders = [""]
        while let folder = folders.popLast() {
            let absolute = folder.isEmpty ? root : root + "/" + folder
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: absolute)
            } catch {
                throw ArchiveError(code: .io, message: "cannot list the folder \(absolute)", entry: folder, cause: "\(error)")
            }
            for name in names {
                let relative = folder.isEmpty ? name : folder + "/" + name
                let item = try describe(relative, at: absolute + "/" + name)
                if item.kind == .directory { folders.append(relative) }
                items.append(item)
            }
        }
        return items.sorted { $0.path < $1.path }
    }

    private static func describe(_ relative: String, at absolute: String) throws(ArchiveError) -> Item {
        var info = stat()
        guard lstat(absolute, &info) == 0 else {
            throw ArchiveError(code: .io, message: "cannot inspect '\(relative)' in the package folder", entry: relative, cause: lastErrorText())
        }
        let isExecutable = info.st_mode & 0o111 != 0
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            return Item(path: relative, kind: .directory, size: 0, isExecutable: false, linkTarget: nil)
        case S_IFREG:
            return Item(path: relative, kind: .file, size: Int64(info.st_size), isExecutable: isExecutable, linkTarget: nil)
        case S_IFLNK:
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: absolute) else {
                throw ArchiveError(code: .io, message: "cannot read the symlink '\(relative)' in the package folder", entry: relative)
            }
            return Item(path: relative, kind: .symlink, size: 0, isExecutable: false, linkTarget: target)
        default:
            throw ArchiveError(code: .unsupportedEntry,
                               message: "'\(relative)' is not a file, folder or symlink (a FIFO, socket or device?); remove it from the package folder",
                               entry: relative)
        }
    }

    /// The unpacking rules and limits, applied to the folder.
    private static func check(_ items: [Item], limits: ArchiveLimits) throws(ArchiveError) {
        let maxEntries = min(limits.maxEntries, maxFormatEntries)
        guard items.count <= maxEntries else {
            throw ArchiveError(code: .tooManyEntries, message: "the package folder holds \(items.count) items; an archive may hold \(maxEntries)")
        }
        var layout = ArchiveLayout()
        var total: Int64 = 0
        for item in items {
            _ = try layout.add(name: item.kind == .directory ? item.path + "/" : item.path, kind: item.kind)
            guard item.size <= limits.maxEntryBytes else {
                throw ArchiveError(code: .entryTooLarge,
                                   message: "'\(item.path)' is \(item.size) bytes; the limit is \(limits.maxEntryBytes) bytes per file", entry: item.path)
            }
            total += item.size
        }
        let maxTotal = min(limits.maxTotalBytes, maxFormatBytes)
        guard total <= maxTotal else {
            throw ArchiveError(code: .tooLarge, message: "the package's files add up to \(total) bytes; an archive may hold \(maxTotal)")
        }
        try layout.checkParents()
        for item in items {
            if let target = item.linkTarget {
                try layout.checkLink(at: item.path, target: target)
            }
        }
    }

    /// Writes the archive; on any error the partial archive is removed.
    private static func write(_ items: [Item], from root: String, to archiveURL: URL, progress: (PackProgress) -> Void) throws(ArchiveError) {
        var info = stat()
        if lstat(archiveURL.path, &info) == 0 {
            throw ArchiveError(code: .destinationExists, message: "\(archiveURL.path) already exists; remove it or choose another name")
        }
        let archive: Archive
        do {
            archive = try Archive(url: archiveURL, accessMode: .create)
        } catch {
            throw ArchiveError(code: .io, message: "cannot create the archive \(archiveURL.path)", cause: "\(error)")
        }
        var done = PackProgress(entriesDone: 0, entriesTotal: items.count, bytesDone: 0,
                                bytesTotal: items.reduce(0) { $0 + $1.size }, entry: "")
        do {
            for item in items {
                try add(item, from: root, to: archive)
                done.entriesDone += 1
                done.bytesDone += item.size
                done.entry = item.path
                progress(done)
            }
        } catch {
            try? FileManager.default.removeItem(at: archiveURL)
            throw error
        }
    }

    private static func add(_ item: Item, from root: String, to archive: Archive) throws(ArchiveError) {
        do {
            switch item.kind {
            case .directory:
                let empty: Provider = { _, _ in Data() }
                try archive.addEntry(with: item.path + "/", type: .directory, uncompressedSize: 0, modificationDate: entryDate,
                                     permissions: 0o755, provider: empty)
            case .symlink:
                let target = Data((item.linkTarget ?? "").utf8)
                let linkTarget: Provider = { _, _ in target }
                try archive.addEntry(with: item.path, type: .symlink, uncompressedSize: Int64(target.count), modificationDate: entryDate,
                                     permissions: 0o777, provider: linkTarget)
            case .file:
                let source = try SourceFile(root + "/" + item.path, expectedSize: item.size, entry: item.path)
                let contents: Provider = { position, count in try source.read(at: position, count: count) }
                try archive.addEntry(with: item.path, type: .file, uncompressedSize: item.size, modificationDate: entryDate,
                                     permissions: item.isExecutable ? 0o755 : 0o644, compressionMethod: .deflate,
                                     bufferSize: ZipEntryData.chunkSize, provider: contents)
            }
        } catch let error as ArchiveError {
            throw error
        } catch {
            throw ArchiveError(code: .io, message: "cannot add '\(item.path)' to the archive", entry: item.path, cause: "\(error)")
        }
    }
}

/// A package file open for packing (`O_NOFOLLOW`: a file swapped for a symlink is refused;
/// `O_NONBLOCK`: a file swapped for a FIFO is refused by `fstat` instead of waited on), read at
/// offsets; it must still have the size it had when the folder was listed.
private final class SourceFile {
    private let descriptor: Int32
    private let entry: String

    init(_ path: String, expectedSize: Int64, entry: String) throws(ArchiveError) {
        self.entry = entry
        descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ArchiveError(code: .io, message: "cannot read '\(entry)' in the package folder", entry: entry, cause: lastErrorText())
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int64(info.st_size) == expectedSize else {
            close(descriptor)
            throw ArchiveError(code: .io, message: "'\(entry)' changed while the package was packed; pack again", entry: entry)
        }
    }

    deinit {
        close(descriptor)
    }

    func read(at position: Int64, count: Int) throws(ArchiveError) -> Data {
        var data = Data(count: count)
        var done = 0
        while done < count {
            let result = data.withUnsafeMutableBytes { raw in
                pread(descriptor, raw.baseAddress! + done, count - done, off_t(position) + off_t(done))
            }
            if result < 0, errno == EINTR { continue }
            guard result > 0 else {
                throw ArchiveError(code: .io, message: "cannot read '\(entry)' (did it shrink while being packed?)", entry: entry,
                                   cause: result < 0 ? lastErrorText() : nil)
            }
            done += result
        }
        return data
    }
}
