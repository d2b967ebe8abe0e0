/// Why a `.hmx` package archive cannot be packed or unpacked: a typed error with a stable code, a
/// message that says what to fix, the offending entry and the underlying cause.
public struct ArchiveError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The archive is truncated or damaged: no end record, records that do not fit the file,
        /// a local header that disagrees with the central directory, overlapping entries, deflate
        /// data that is corrupt or does not end, a CRC-32 or size that does not match (including
        /// a file that decompresses to more than its header declares).
        case malformed = "archive.malformed"
        /// The archive uses a ZIP feature `.hmx` does not read: ZIP64 or several disks.
        case unsupportedFormat = "archive.unsupported_format"
        /// An entry is not a file, folder or symlink (device, FIFO, socket), is encrypted, uses a
        /// compression other than stored or deflate, or needs ZIP64; or, when packing, the folder
        /// holds such an item.
        case unsupportedEntry = "archive.unsupported_entry"
        /// A name or a symlink target is not a plain relative path: empty, `.` or empty components,
        /// backslashes, control characters, not UTF-8, or too long.
        case invalidPath = "archive.invalid_path"
        /// A name is absolute or has a `..` component.
        case pathEscapes = "archive.path_escapes"
        /// A name passes through an entry that is a symlink (`link/file` where `link` is a symlink).
        case pathThroughLink = "archive.path_through_link"
        /// A symlink's target is absolute, climbs out of the package with `..`, or passes through
        /// another symlink on its way.
        case linkEscapes = "archive.link_escapes"
        /// Two entries have the same path (ignoring letter case and Unicode normalization), or an
        /// entry is a file where another entry needs a folder.
        case duplicateEntry = "archive.duplicate_entry"
        /// One entry is larger than `ArchiveLimits.maxEntryBytes`.
        case entryTooLarge = "archive.entry_too_large"
        /// All entries together are larger than `ArchiveLimits.maxTotalBytes` (or, when packing,
        /// than the format allows).
        case tooLarge = "archive.too_large"
        /// The archive has more than `ArchiveLimits.maxEntries` entries.
        case tooManyEntries = "archive.too_many_entries"
        /// Reading the archive or writing the destination failed (permissions, disk full, missing
        /// parent folder...).
        case io = "archive.io"
        /// The destination (folder or archive file) already exists and may not be replaced.
        case destinationExists = "archive.destination_exists"
    }

    public let code: Code
    public let message: String
    /// The archive entry (or, when packing, the package-relative path) the error is about, if any.
    public let entry: String?
    /// The underlying error, if any.
    public let cause: String?

    public init(code: Code, message: String, entry: String? = nil, cause: String? = nil) {
        self.code = code
        self.message = message
        self.entry = entry
        self.cause = cause
    }

    public var description: String {
        var text = "[\(code.rawValue)] \(message)"
        if let cause { text += " (cause: \(cause))" }
        return text
    }
}
