import HyperMeshErrors

/// Why a package on disk cannot be used: a typed error with a stable code, a message that says
/// what to fix, the offending path and the underlying cause.
public struct PackageError: HyperMeshError, Equatable {
    /// The stable codes of ``PackageError``, each with its category (declared below). Raw values never
    /// change once released; new codes may be added.
    public typealias Code = HyperMeshErrorCode<PackageError>

    public let code: Code
    public let message: String
    /// The file the error is about, if any.
    public let path: String?
    private let storedCause: HyperMeshErrorCause?

    /// The error that caused this one, when there is one.
    public var underlyingError: (any Error & Sendable)? { storedCause?.error }
    /// The underlying error's description, when there is one.
    public var cause: String? { storedCause?.description }

    public init(code: Code, message: String, path: String? = nil, cause: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.storedCause = HyperMeshErrorCause(text: cause)
    }
}

extension HyperMeshErrorCode where Domain == PackageError {
    /// The folder has no `extension.json`.
    public static var manifestMissing: Self { Self("package.manifest_missing", .invalidInput) }
    /// A file could not be read.
    public static var fileUnreadable: Self { Self("package.file_unreadable", .invalidInput) }
    /// A file listed in the manifest is not in the package.
    public static var fileMissing: Self { Self("package.file_missing", .integrity) }
    /// A file's SHA-256 differs from the manifest's.
    public static var digestMismatch: Self { Self("package.digest_mismatch", .integrity) }
    /// The package holds a file the manifest does not list.
    public static var unlistedFile: Self { Self("package.unlisted_file", .integrity) }
    /// A listed path is absolute, contains `..`, or a symlink leaves the package.
    public static var pathEscapes: Self { Self("package.path_escapes", .integrity) }
    /// A package entry (listed or not) is a FIFO, a device, a socket, or a folder where a file is
    /// expected: only regular files, folders and symlinks to them belong in a package.
    public static var notRegularFile: Self { Self("package.not_regular_file", .integrity) }
}

extension PackageError {
    public static var knownCodes: [HyperMeshErrorCode<PackageError>] {
        [.manifestMissing, .fileUnreadable, .fileMissing, .digestMismatch, .unlistedFile, .pathEscapes, .notRegularFile]
    }
}
