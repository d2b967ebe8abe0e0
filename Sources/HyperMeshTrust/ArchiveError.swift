import HyperMeshErrors

/// Why a `.hmx` package archive cannot be packed or unpacked: a typed error with a stable code, a
/// message that says what to fix, the offending entry and the underlying cause.
public struct ArchiveError: HyperMeshError, Equatable {
    /// The stable codes of ``ArchiveError``, each with its category (declared below). Raw values never
    /// change once released; new codes may be added.
    public typealias Code = HyperMeshErrorCode<ArchiveError>

    public let code: Code
    public let message: String
    /// The archive entry (or, when packing, the package-relative path) the error is about, if any.
    public let entry: String?
    private let storedCause: HyperMeshErrorCause?

    /// The error that caused this one, when there is one.
    public var underlyingError: (any Error & Sendable)? { storedCause?.error }
    /// The underlying error's description, when there is one.
    public var cause: String? { storedCause?.description }

    public init(code: Code, message: String, entry: String? = nil, cause: String? = nil) {
        self.code = code
        self.message = message
        self.entry = entry
        self.storedCause = HyperMeshErrorCause(text: cause)
    }
}

extension HyperMeshErrorCode where Domain == ArchiveError {
    /// The archive is truncated or damaged: no end record, records that do not fit the file,
    /// a local header that disagrees with the central directory, overlapping entries, deflate
    /// data that is corrupt or does not end, a CRC-32 or size that does not match (including
    /// a file that decompresses to more than its header declares).
    public static var malformed: Self { Self("archive.malformed", .invalidInput) }
    /// The archive uses a ZIP feature `.hmx` does not read: ZIP64 or several disks.
    public static var unsupportedFormat: Self { Self("archive.unsupported_format", .invalidInput) }
    /// An entry is not a file, folder or symlink (device, FIFO, socket), is encrypted, uses a
    /// compression other than stored or deflate, or needs ZIP64; or, when packing, the folder
    /// holds such an item.
    public static var unsupportedEntry: Self { Self("archive.unsupported_entry", .invalidInput) }
    /// A name or a symlink target is not a plain relative path: empty, `.` or empty components,
    /// backslashes, control characters, not UTF-8, or too long.
    public static var invalidPath: Self { Self("archive.invalid_path", .invalidInput) }
    /// A name is absolute or has a `..` component.
    public static var pathEscapes: Self { Self("archive.path_escapes", .integrity) }
    /// A name passes through an entry that is a symlink (`link/file` where `link` is a symlink).
    public static var pathThroughLink: Self { Self("archive.path_through_link", .integrity) }
    /// A symlink's target is absolute, climbs out of the package with `..`, or passes through
    /// another symlink on its way.
    public static var linkEscapes: Self { Self("archive.link_escapes", .integrity) }
    /// Two entries have the same path (ignoring letter case and Unicode normalization), or an
    /// entry is a file where another entry needs a folder.
    public static var duplicateEntry: Self { Self("archive.duplicate_entry", .invalidInput) }
    /// One entry is larger than `ArchiveLimits.maxEntryBytes`.
    public static var entryTooLarge: Self { Self("archive.entry_too_large", .tooLarge) }
    /// All entries together are larger than `ArchiveLimits.maxTotalBytes` (or, when packing,
    /// than the format allows).
    public static var tooLarge: Self { Self("archive.too_large", .tooLarge) }
    /// The archive has more than `ArchiveLimits.maxEntries` entries.
    public static var tooManyEntries: Self { Self("archive.too_many_entries", .tooLarge) }
    /// Reading the archive or writing the destination failed (permissions, disk full, missing
    /// parent folder...).
    public static var io: Self { Self("archive.io", .internal) }
    /// The destination (folder or archive file) already exists and may not be replaced.
    public static var destinationExists: Self { Self("archive.destination_exists", .conflict) }
}

extension ArchiveError {
    public static var knownCodes: [HyperMeshErrorCode<ArchiveError>] {
        [.malformed, .unsupportedFormat, .unsupportedEntry, .invalidPath, .pathEscapes, .pathThroughLink, .linkEscapes, .duplicateEntry, .entryTooLarge, .tooLarge, .tooManyEntries, .io, .destinationExists]
    }
}
