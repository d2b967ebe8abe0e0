/// Limits applied while unpacking a `.hmx` archive (and checked when packing, so a packed folder
/// unpacks with the same limits).
///
/// Sizes are decompressed bytes of regular files; folders and symlink targets do not count
/// towards them. Unpacking refuses before writing anything when the headers announce too much,
/// and counts the bytes actually produced while extracting: a file may never produce more than
/// its header declares (it is refused at the first chunk past that, `archive.malformed`), so a
/// header that understates a size cannot get past the limits either.
public struct ArchiveLimits: Sendable, Equatable {
    /// Most entries (files, folders and symlinks) an archive may hold. Default 10,000.
    public var maxEntries: Int
    /// Largest size of one file once decompressed. Default 256 MiB.
    public var maxEntryBytes: Int64
    /// Largest size of all files together once decompressed. Default 1 GiB.
    public var maxTotalBytes: Int64

    public init(maxEntries: Int = 10_000, maxEntryBytes: Int64 = 256 << 20, maxTotalBytes: Int64 = 1 << 30) {
        self.maxEntries = maxEntries
        self.maxEntryBytes = maxEntryBytes
        self.maxTotalBytes = maxTotalBytes
    }

    /// The defaults: 10,000 entries, 256 MiB per file, 1 GiB in total.
    public static let standard = ArchiveLimits()
}
