import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unpacks a `.hmx` archive in two passes. First everything that can be checked without writing:
/// the ZIP structure, every name, duplicates, the declared sizes against the limits, and the
/// symlink targets (read, bounded, and resolved against the whole tree). Then the folders and
/// files are written into an `UnpackStaging` folder, never more bytes per file than its header
/// declares (`ZipEntryData`), and the symlinks are created last; the staging folder is then
/// renamed onto the destination.
enum ArchiveUnpacker {
    static func unpack(_ archive: URL, into destination: URL, limits: ArchiveLimits) throws(ArchiveError) {
        try checkDestination(destination)
        let file = try ArchiveFile(opening: archive)
        let records = try ZipCentralDirectory.read(file, maxEntries: limits.maxEntries)
        let (layout, entries) = try plan(records, limits: limits)
        let linkTargets = try readLinkTargets(entries, in: layout, from: file)
        let staging = try UnpackStaging(beside: destination)
        do {
            for (record, path) in entries {
                try write(record, at: path, from: file, into: staging)
            }
            for (record, path) in entries where record.kind == .symlink {
                try staging.makeSymlink(components(path), target: linkTargets[path]!, entry: record.name)
            }
            try staging.commit(to: destination)
        } catch {
            staging.discard()
            throw error
        }
    }

    /// The destination must be absent or an empty folder (not a symlink to one).
    private static func checkDestination(_ destination: URL) throws(ArchiveError) {
        var info = stat()
        guard lstat(destination.path, &info) == 0 else {
            if errno == ENOENT { return }
            throw ArchiveError(code: .io, message: "cannot inspect the destination \(destination.path)", cause: lastErrorText())
        }
        let isFolder = (info.st_mode & S_IFMT) == S_IFDIR
        guard isFolder, let contents = try? FileManager.default.contentsOfDirectory(atPath: destination.path), contents.isEmpty else {
            throw ArchiveError(code: .destinationExists,
                               message: "\(destination.path) already exists and is not an empty folder; remove it or unpack somewhere else")
        }
    }

    /// Checks names, the tree and the declared sizes; returns the layout and each record with its
    /// normalized path.
    private static func plan(_ records: [ZipEntryRecord],
                             limits: ArchiveLimits) throws(ArchiveError) -> (ArchiveLayout, [(ZipEntryRecord, String)]) {
        var layout = ArchiveLayout()
        var entries: [(ZipEntryRecord, String)] = []
        var declaredTotal: Int64 = 0
        for record in records {
            let path = try layout.add(name: record.name, kind: record.kind)
            switch record.kind {
            case .file:
                guard record.uncompressedSize <= limits.maxEntryBytes else {
                    throw ArchiveError(code: .entryTooLarge,
                                       message: "entry '\(record.name)' is \(record.uncompressedSize) bytes; the limit is \(limits.maxEntryBytes) bytes per file",
                                       entry: record.name)
                }
                declaredTotal += record.uncompressedSize
            case .symlink:
                guard record.uncompressedSize <= Int64(ArchiveEntryPath.maxLinkTargetBytes) else {
                    throw ArchiveError(code: .invalidPath,
                                       message: "symlink '\(record.name)' has a \(record.uncompressedSize)-byte target; the limit is \(ArchiveEntryPath.maxLinkTargetBytes)",
                                       entry: record.name)
                }
            case .directory:
                break
            }
            entries.append((record, path))
        }
        guard declaredTotal <= limits.maxTotalBytes else {
            throw ArchiveError(code: .tooLarge,
                               message: "the archive's files add up to \(declaredTotal) bytes; the limit is \(limits.maxTotalBytes) bytes in total")
        }
        try layout.checkParents()
        return (layout, entries)
    }

    /// Reads every symlink's target (at most `maxLinkTargetBytes` each) and checks it against the
    /// whole tree; returns the targets by normalized path.
    private static func readLinkTargets(_ entries: [(ZipEntryRecord, String)], in layout: ArchiveLayout,
                                        from file: ArchiveFile) throws(ArchiveError) -> [String: String] {
        var targets: [String: String] = [:]
        for (record, path) in entries where record.kind == .symlink {
            var bytes = Data()
            try ZipEntryData.stream(record, from: file) { chunk throws(ArchiveError) in bytes.append(chunk) }
            guard let target = String(validating: bytes, as: UTF8.self) else {
                throw ArchiveError(code: .invalidPath, message: "symlink '\(record.name)' has a target that is not valid UTF-8", entry: record.name)
            }
            try layout.checkLink(at: path, target: target)
            targets[path] = target
        }
        return targets
    }

    /// Writes a folder or a file (symlinks come last, separately).
    private static func write(_ record: ZipEntryRecord, at path: String, from file: ArchiveFile,
                              into staging: UnpackStaging) throws(ArchiveError) {
        switch record.kind {
        case .directory:
            try staging.makeDirectory(components(path), entry: record.name)
        case .file:
            let output = try staging.createFile(components(path), executable: record.isExecutable, entry: record.name)
            try ZipEntryData.stream(record, from: file) { chunk throws(ArchiveError) in try output.write(chunk) }
            try output.finish()
        case .symlink:
            break
        }
    }

    private static func components(_ path: String) -> [String] {
        path.split(separator: "/").map(String.init)
    }
}
