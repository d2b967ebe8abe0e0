/// How far packing a folder into an archive has come, reported once after each entry is written
/// (folders and symlinks count as entries of 0 bytes). The totals are those of the folder as it
/// was listed before writing began.
public struct PackProgress: Sendable, Hashable {
    /// Entries written so far, this one included.
    public var entriesDone: Int
    /// Entries the archive will hold.
    public var entriesTotal: Int
    /// File bytes (uncompressed) written so far.
    public var bytesDone: Int64
    /// File bytes (uncompressed) the archive will hold.
    public var bytesTotal: Int64
    /// The package-relative path of the entry just written.
    public var entry: String

    public init(entriesDone: Int, entriesTotal: Int, bytesDone: Int64, bytesTotal: Int64, entry: String) {
        self.entriesDone = entriesDone
        self.entriesTotal = entriesTotal
        self.bytesDone = bytesDone
        self.bytesTotal = bytesTotal
        self.entry = entry
    }
}
