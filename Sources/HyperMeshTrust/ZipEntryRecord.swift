/// One entry of a ZIP archive, as its central directory describes it, after the checks of
/// `ZipCentralDirectory` (its local header agrees and its data lies inside the archive).
struct ZipEntryRecord: Sendable, Equatable {
    enum Compression: Sendable, Equatable {
        case stored
        case deflated
    }

    /// The name as stored (UTF-8), not yet normalized.
    let name: String
    let kind: ArchiveEntryKind
    let compression: Compression
    let crc32: UInt32
    let compressedSize: Int64
    let uncompressedSize: Int64
    /// Where the entry's (compressed) data starts in the archive file.
    let dataOffset: Int64
    /// Whether any execute bit is set in the entry's Unix mode.
    let isExecutable: Bool
}
