/// The tree an archive describes, checked as a whole before anything is written: every name is a
/// plain relative path, no path appears twice, no entry sits below a file or a symlink, and every
/// symlink stays inside the package.
///
/// Paths that differ only in letter case or Unicode normalization count as the same path: they
/// would collide on a case-insensitive or normalizing file system (macOS), so such an archive is
/// refused everywhere rather than unpacking differently per platform.
struct ArchiveLayout {
    struct Entry: Equatable {
        /// The normalized path (no trailing `/`).
        let path: String
        let kind: ArchiveEntryKind
    }

    private(set) var entries: [Entry] = []
    private var kinds: [String: ArchiveEntryKind] = [:]
    private var pathsByKey: [String: String] = [:]

    /// Adds an entry by its name as stored; returns its normalized path.
    mutating func add(name: String, kind: ArchiveEntryKind) throws(ArchiveError) -> String {
        let path = try ArchiveEntryPath.normalize(name, kind: kind)
        let key = Self.key(path)
        if let existing = pathsByKey[key] {
            throw ArchiveError(code: .duplicateEntry,
                               message: "entry '\(name)' has the same path as the earlier entry '\(existing)'; each path may appear once",
                               entry: name)
        }
        pathsByKey[key] = path
        kinds[key] = kind
        entries.append(Entry(path: path, kind: kind))
        return path
    }

    /// Checks that no entry lies below a file or a symlink entry. Call once every entry is added.
    func checkParents() throws(ArchiveError) {
        for entry in entries {
            var prefix = ""
            for component in entry.path.split(separator: "/").dropLast() {
                prefix = prefix.isEmpty ? String(component) : prefix + "/" + component
                switch kinds[Self.key(prefix)] {
                case .file:
                    throw ArchiveError(code: .duplicateEntry,
                                       message: "'\(prefix)' is a file in the archive, but entry '\(entry.path)' needs it to be a folder",
                                       entry: entry.path)
                case .symlink:
                    throw ArchiveError(code: .pathThroughLink,
                                       message: "entry '\(entry.path)' lies below '\(prefix)', which is a symlink; entries may not be written through links",
                                       entry: entry.path)
                case .directory, nil:
                    continue
                }
            }
        }
    }

    /// Checks the target of the symlink entry at `path` (see `ArchiveEntryPath.checkLinkTarget`).
    func checkLink(at path: String, target: String) throws(ArchiveError) {
        try ArchiveEntryPath.checkLinkTarget(target, of: path, isLink: { kinds[Self.key($0)] == .symlink })
    }

    private static func key(_ path: String) -> String {
        path.lowercased()
    }
}
