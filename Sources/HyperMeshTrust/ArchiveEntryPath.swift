/// The rules for entry names inside a `.hmx` archive and for the targets of its symlinks. The same
/// rules apply when packing and when unpacking, so a packed folder always unpacks.
///
/// A name is a plain relative path: `/`-separated components, none empty, `.` or `..`; no
/// backslash (some tools treat it as a separator), no control character; at most 4,095 bytes and
/// 255 bytes per component (POSIX `PATH_MAX`/`NAME_MAX`). Folder entries may end with one `/`.
enum ArchiveEntryPath {
    static let maxPathBytes = 4095
    static let maxComponentBytes = 255
    /// Longest symlink target accepted, in bytes.
    static let maxLinkTargetBytes = 4095

    /// The name without its trailing `/` (folders only), or the reason it is refused.
    static func normalize(_ name: String, kind: ArchiveEntryKind) throws(ArchiveError) -> String {
        guard !name.isEmpty else {
            throw ArchiveError(code: .invalidPath, message: "an entry has an empty name", entry: name)
        }
        if hasControlCharacter(name) {
            throw ArchiveError(code: .invalidPath, message: "entry '\(name.debugDescription)' has a control character in its name", entry: name)
        }
        if isAbsolute(name) {
            throw ArchiveError(code: .pathEscapes, message: "entry '\(name)' has an absolute path; entries must be relative to the package folder", entry: name)
        }
        if looseComponents(name).contains("..") {
            throw ArchiveError(code: .pathEscapes, message: "entry '\(name)' has a '..' component and would leave the package folder", entry: name)
        }
        if name.contains("\\") {
            throw ArchiveError(code: .invalidPath, message: "entry '\(name)' contains a backslash; use '/' as the only separator", entry: name)
        }
        var path = Substring(name)
        if path.hasSuffix("/") {
            guard kind == .directory else {
                throw ArchiveError(code: .invalidPath, message: "entry '\(name)' ends with '/' but is not a folder", entry: name)
            }
            path = path.dropLast()
        }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        if components.contains(where: { $0.isEmpty || $0 == "." }) {
            throw ArchiveError(code: .invalidPath, message: "entry '\(name)' has an empty or '.' component; names must be plain relative paths", entry: name)
        }
        if path.utf8.count > maxPathBytes || components.contains(where: { $0.utf8.count > maxComponentBytes }) {
            throw ArchiveError(code: .invalidPath,
                               message: "entry '\(name.prefix(64))…' is too long (at most \(maxPathBytes) bytes, \(maxComponentBytes) per component)",
                               entry: name)
        }
        return String(path)
    }

    /// Checks the target of the symlink at `linkPath` (a normalized name). The target must be
    /// relative and, resolved from the link's folder one component at a time, never climb above the
    /// package root nor pass through a symlink (`isLink` says which normalized paths are symlinks;
    /// the target itself may be one, whose own target is checked in turn). `.` components are
    /// allowed; empty ones are not. Not checked: that the target exists.
    static func checkLinkTarget(_ target: String, of linkPath: String, isLink: (String) -> Bool) throws(ArchiveError) {
        guard !target.isEmpty, target.utf8.count <= maxLinkTargetBytes, !hasControlCharacter(target) else {
            throw ArchiveError(code: .invalidPath,
                               message: "symlink '\(linkPath)' has an empty, over-long or unprintable target",
                               entry: linkPath)
        }
        if isAbsolute(target) {
            throw ArchiveError(code: .linkEscapes, message: "symlink '\(linkPath)' points to the absolute path '\(target)'; links must stay inside the package",
                               entry: linkPath)
        }
        if target.contains("\\") {
            throw ArchiveError(code: .invalidPath, message: "symlink '\(linkPath)' has a backslash in its target '\(target)'", entry: linkPath)
        }
        var folder = linkPath.split(separator: "/").dropLast().map(String.init)
        let components = target.split(separator: "/", omittingEmptySubsequences: false)
        for (index, component) in components.enumerated() {
            switch component {
            case "":
                throw ArchiveError(code: .invalidPath, message: "symlink '\(linkPath)' has an empty component in its target '\(target)'", entry: linkPath)
            case ".":
                continue
            case "..":
                guard !folder.isEmpty else {
                    throw ArchiveError(code: .linkEscapes, message: "symlink '\(linkPath)' points to '\(target)', which climbs out of the package",
                                       entry: linkPath)
                }
                folder.removeLast()
            default:
                folder.append(String(component))
                if index < components.count - 1, isLink(folder.joined(separator: "/")) {
                    throw ArchiveError(code: .linkEscapes,
                                       message: "symlink '\(linkPath)' points to '\(target)', which passes through the symlink '\(folder.joined(separator: "/"))'",
                                       entry: linkPath)
                }
            }
        }
    }

    /// Absolute in the POSIX sense, or in the Windows one (`\x`, `C:`).
    private static func isAbsolute(_ path: String) -> Bool {
        if path.hasPrefix("/") || path.hasPrefix("\\") { return true }
        let scalars = Array(path.unicodeScalars.prefix(2))
        return scalars.count == 2 && scalars[1] == ":" && scalars[0].isASCII && scalars[0].properties.isAlphabetic
    }

    /// Components split on both `/` and `\`, to catch `..` however a tool would read the name.
    private static func looseComponents(_ path: String) -> [Substring] {
        path.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "/" || $0 == "\\" })
    }

    private static func hasControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }
}
