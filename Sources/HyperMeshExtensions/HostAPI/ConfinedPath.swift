/// The rules for a path an extension hands to the file functions: relative to its data folder,
/// `/`-separated, no `..` or `.` components, no empty components, no NUL or backslash, at most
/// ``maximumLength`` bytes and ``maximumComponentLength`` per component. Pure: no file is touched.
/// Symbolic links are refused later, when the path is opened (see ``ConfinedFiles``).
enum ConfinedPath {
    static let maximumLength = 4_096
    static let maximumComponentLength = 255

    /// The components of `path`, or why it is refused. The empty path (only where `allowEmpty`)
    /// is the data folder itself.
    static func components(of path: String, allowEmpty: Bool = false) -> Result<[String], ConfinedPathProblem> {
        if path.isEmpty { return allowEmpty ? .success([]) : .failure(.invalid("the path is empty")) }
        if path.utf8.count > maximumLength { return .failure(.invalid("the path is longer than \(maximumLength) bytes")) }
        if path.hasPrefix("/") { return .failure(.escape("'\(path)' is absolute; paths are relative to the extension's data folder")) }
        if path.contains("\u{0}") { return .failure(.invalid("the path contains a NUL character")) }
        if path.contains("\\") { return .failure(.invalid("the path contains a backslash; use '/'")) }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for part in parts {
            switch part {
            case "..": return .failure(.escape("'\(path)' contains '..'; paths cannot leave the extension's data folder"))
            case ".": return .failure(.invalid("'\(path)' contains a '.' component"))
            case "": return .failure(.invalid("'\(path)' has an empty component"))
            default:
                if part.utf8.count > maximumComponentLength {
                    return .failure(.invalid("a component of '\(path)' is longer than \(maximumComponentLength) bytes"))
                }
            }
        }
        return .success(parts)
    }
}

/// Why a path was refused: an attempt to leave the data folder (a violation), or a malformed path.
enum ConfinedPathProblem: Error, Equatable {
    case escape(String)
    case invalid(String)
}
