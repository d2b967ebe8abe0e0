/// Why a package on disk cannot be used: a typed error with a stable code, a message that says
/// what to fix, the offending path and the underlying cause.
public struct PackageError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The folder has no `extension.json`.
        case manifestMissing = "package.manifest_missing"
        /// A file could not be read.
        case fileUnreadable = "package.file_unreadable"
        /// A file listed in the manifest is not in the package.
        case fileMissing = "package.file_missing"
        /// A file's SHA-256 differs from the manifest's.
        case digestMismatch = "package.digest_mismatch"
        /// The package holds a file the manifest does not list.
        case unlistedFile = "package.unlisted_file"
        /// A listed path is absolute, contains `..`, or a symlink leaves the package.
        case pathEscapes = "package.path_escapes"
        /// A package entry (listed or not) is a FIFO, a device, a socket, or a folder where a file is
        /// expected: only regular files, folders and symlinks to them belong in a package.
        case notRegularFile = "package.not_regular_file"
    }

    public let code: Code
    public let message: String
    /// The file the error is about, if any.
    public let path: String?
    /// The underlying error, if any.
    public let cause: String?

    public init(code: Code, message: String, path: String? = nil, cause: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.cause = cause
    }

    public var description: String {
        var text = "[\(code.rawValue)] \(message)"
        if let cause { text += " (cause: \(cause))" }
        return text
    }
}
