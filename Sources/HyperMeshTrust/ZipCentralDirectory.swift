/// Reads the entries of a ZIP archive from its central directory, strictly: anything that does not
/// add up is refused with a typed error instead of being skipped or guessed at.
///
/// Checked: the end record runs exactly to the end of the file (its comment included); the
/// central directory lies right before it and its records fill it exactly; the entry count is at
/// most `maxEntries` (before any record is read); each record's local header has the same name and
/// compression method; every entry's header and data lie before the central directory and do not
/// overlap another entry's. Refused: ZIP64, several disks, encryption, compression other than
/// stored and deflate, entry types other than file, folder and symlink, names that are not UTF-8.
/// Not checked here: names and link targets (`ArchiveLayout`), data contents (`ZipEntryData`).
///
/// This reader exists because ZIPFoundation 0.9.20's own reading loses information (its entry
/// iterator stops silently at a damaged record, devices and FIFOs read as files) and its
/// `extract` loops forever on a deflate stream that does not end before the file does.
enum ZipCentralDirectory {
    private static let endRecordSignature: UInt32 = 0x0605_4b50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4b50
    private static let centralRecordSignature: UInt32 = 0x0201_4b50
    private static let localHeaderSignature: UInt32 = 0x0403_4b50
    private static let endRecordSize = 22
    private static let centralRecordSize = 46
    private static let localHeaderSize = 30
    private static let maxCommentSize = 0xFFFF

    static func read(_ file: ArchiveFile, maxEntries: Int) throws(ArchiveError) -> [ZipEntryRecord] {
        let end = try endRecord(file)
        guard end.entryCount <= maxEntries else {
            throw ArchiveError(code: .tooManyEntries, message: "the archive has \(end.entryCount) entries; the limit is \(maxEntries)")
        }
        var records: [ZipEntryRecord] = []
        var spans: [(start: Int64, end: Int64, name: String)] = []
        var offset = end.directoryOffset
        for index in 0..<end.entryCount {
            let (record, localHeaderOffset, recordSize) = try centralRecord(file, at: offset, index: index,
                                                                            directory: end.directoryOffset..<end.offset)
            records.append(record)
            spans.append((localHeaderOffset, record.dataOffset + record.compressedSize, record.name))
            offset += recordSize
        }
        guard offset == end.offset else {
            throw ArchiveError(code: .malformed,
                               message: "the central directory holds more than the \(end.entryCount) entries the end record announces")
        }
        try checkNoOverlap(spans)
        return records
    }

    // MARK: - End record

    private struct EndRecord {
        let offset: Int64
        let entryCount: Int
        let directoryOffset: Int64
    }

    private static func endRecord(_ file: ArchiveFile) throws(ArchiveError) -> EndRecord {
        let tailLength = Int(min(file.size, Int64(endRecordSize + maxCommentSize)))
        guard tailLength >= endRecordSize else {
            throw ArchiveError(code: .malformed, message: "\(file.path) is too short to be a ZIP archive (\(file.size) bytes): it is truncated or not an archive")
        }
        let tailStart = file.size - Int64(tailLength)
        let tail = try file.bytes(at: tailStart, count: tailLength, what: "the end of the archive")
        var position = tailLength - endRecordSize
        while position >= 0 {
            if tail.littleEndianUInt32(at: position) == endRecordSignature,
               position + endRecordSize + Int(tail.littleEndianUInt16(at: position + 20)) == tailLength {
                return try endRecord(tail, at: position, fileOffset: tailStart + Int64(position), file: file)
            }
            position -= 1
        }
        throw ArchiveError(code: .malformed,
                           message: "\(file.path) has no ZIP end-of-central-directory record: it is truncated or not an archive")
    }

    private static func endRecord(_ tail: [UInt8], at position: Int, fileOffset: Int64, file: ArchiveFile) throws(ArchiveError) -> EndRecord {
        let disk = tail.littleEndianUInt16(at: position + 4)
        let directoryDisk = tail.littleEndianUInt16(at: position + 6)
        let entriesOnDisk = tail.littleEndianUInt16(at: position + 8)
        let entries = tail.littleEndianUInt16(at: position + 10)
        let directorySize = tail.littleEndianUInt32(at: position + 12)
        let directoryOffset = tail.littleEndianUInt32(at: position + 16)
        let hasZip64Locator = position >= 20 && tail.littleEndianUInt32(at: position - 20) == zip64LocatorSignature
        if hasZip64Locator || entries == .max || directorySize == .max || directoryOffset == .max {
            throw ArchiveError(code: .unsupportedFormat,
                               message: "the archive uses ZIP64 (over 65,535 entries or 4 GiB); .\(PackageArchive.fileExtension) archives do not")
        }
        guard disk == 0, directoryDisk == 0, entriesOnDisk == entries else {
            throw ArchiveError(code: .unsupportedFormat, message: "the archive spans several disks; .\(PackageArchive.fileExtension) archives are one file")
        }
        guard Int64(directoryOffset) + Int64(directorySize) == fileOffset else {
            throw ArchiveError(code: .malformed,
                               message: "the central directory (\(directorySize) bytes at \(directoryOffset)) does not end where the end record starts (\(fileOffset)): the archive is damaged")
        }
        return EndRecord(offset: fileOffset, entryCount: Int(entries), directoryOffset: Int64(directoryOffset))
    }

    // MARK: - Central directory records

    /// The record at `offset` (inside `directory`), the offset of its local header, and the
    /// record's size.
    private static func centralRecord(_ file: ArchiveFile, at offset: Int64, index: Int,
                                      directory: Range<Int64>) throws(ArchiveError) -> (ZipEntryRecord, Int64, Int64) {
        let directoryEnd = directory.upperBound
        let what = "central directory record \(index + 1)"
        guard offset + Int64(centralRecordSize) <= directoryEnd else {
            throw ArchiveError(code: .malformed, message: "\(what) does not fit in the central directory: the archive is damaged")
        }
        let header = try file.bytes(at: offset, count: centralRecordSize, what: what)
        guard header.littleEndianUInt32(at: 0) == centralRecordSignature else {
            throw ArchiveError(code: .malformed, message: "\(what) has no valid signature: the archive is damaged")
        }
        let nameLength = Int(header.littleEndianUInt16(at: 28))
        let recordSize = Int64(centralRecordSize + nameLength + Int(header.littleEndianUInt16(at: 30)) + Int(header.littleEndianUInt16(at: 32)))
        guard offset + recordSize <= directoryEnd else {
            throw ArchiveError(code: .malformed, message: "\(what) does not fit in the central directory: the archive is damaged")
        }
        let nameBytes = try file.bytes(at: offset + Int64(centralRecordSize), count: nameLength, what: what)
        let flags = header.littleEndianUInt16(at: 8)
        let name = try decodeName(nameBytes, flags: flags)
        let method = header.littleEndianUInt16(at: 10)
        let compressedSize = header.littleEndianUInt32(at: 20)
        let uncompressedSize = header.littleEndianUInt32(at: 24)
        let localHeaderOffset = header.littleEndianUInt32(at: 42)
        if compressedSize == .max || uncompressedSize == .max || localHeaderOffset == .max || header.littleEndianUInt16(at: 34) == .max {
            throw ArchiveError(code: .unsupportedEntry, message: "entry '\(name)' uses ZIP64 sizes or offsets; .\(PackageArchive.fileExtension) archives do not",
                               entry: name)
        }
        guard header.littleEndianUInt16(at: 34) == 0 else {
            throw ArchiveError(code: .unsupportedFormat, message: "entry '\(name)' lies on another disk; .\(PackageArchive.fileExtension) archives are one file",
                               entry: name)
        }
        if flags & 0x0001 != 0 || flags & 0x0040 != 0 {
            throw ArchiveError(code: .unsupportedEntry, message: "entry '\(name)' is encrypted; package archives are not", entry: name)
        }
        let compression: ZipEntryRecord.Compression
        switch method {
        case 0: compression = .stored
        case 8: compression = .deflated
        default:
            throw ArchiveError(code: .unsupportedEntry,
                               message: "entry '\(name)' uses compression method \(method); only stored (0) and deflate (8) are read", entry: name)
        }
        if compression == .stored, compressedSize != uncompressedSize {
            throw ArchiveError(code: .malformed, message: "stored entry '\(name)' has different compressed and uncompressed sizes", entry: name)
        }
        let (kind, isExecutable) = try kindAndMode(name: name, madeBy: header.littleEndianUInt16(at: 4),
                                                   attributes: header.littleEndianUInt32(at: 38))
        if kind == .directory, uncompressedSize != 0 {
            throw ArchiveError(code: .malformed, message: "folder entry '\(name)' carries \(uncompressedSize) bytes of data", entry: name)
        }
        guard Int64(localHeaderOffset) < directory.lowerBound else {
            throw ArchiveError(code: .malformed, message: "entry '\(name)' has its local header inside the central directory: the archive is damaged",
                               entry: name)
        }
        let dataOffset = try localDataOffset(file, headerOffset: Int64(localHeaderOffset), nameBytes: nameBytes, method: method, name: name)
        guard dataOffset + Int64(compressedSize) <= directory.lowerBound else {
            throw ArchiveError(code: .malformed,
                               message: "the data of entry '\(name)' runs into the central directory: the archive is truncated or damaged",
                               entry: name)
        }
        let record = ZipEntryRecord(name: name, kind: kind, compression: compression, crc32: header.littleEndianUInt32(at: 16),
                                    compressedSize: Int64(compressedSize), uncompressedSize: Int64(uncompressedSize),
                                    dataOffset: dataOffset, isExecutable: isExecutable)
        return (record, Int64(localHeaderOffset), recordSize)
    }

    /// Names must be UTF-8. Without the UTF-8 flag (bit 11) the encoding is the legacy code page,
    /// so only ASCII names are accepted then.
    private static func decodeName(_ bytes: [UInt8], flags: UInt16) throws(ArchiveError) -> String {
        let shown = String(decoding: bytes, as: UTF8.self)
        guard let name = String(validating: bytes, as: UTF8.self) else {
            throw ArchiveError(code: .invalidPath, message: "entry '\(shown)' has a name that is not valid UTF-8", entry: shown)
        }
        guard flags & 0x0800 != 0 || bytes.allSatisfy({ $0 < 0x80 }) else {
            throw ArchiveError(code: .invalidPath,
                               message: "entry '\(shown)' has a non-ASCII name without the UTF-8 flag, so its encoding is ambiguous; write the archive with UTF-8 names",
                               entry: shown)
        }
        return name
    }

    /// The entry kind from the Unix mode when the archive was made on Unix or macOS, else from the
    /// trailing `/` (and the MS-DOS folder attribute). Unix entries without type bits are read the
    /// same way; other Unix types (devices, FIFOs, sockets) are refused.
    private static func kindAndMode(name: String, madeBy: UInt16, attributes: UInt32) throws(ArchiveError) -> (ArchiveEntryKind, Bool) {
        let host = madeBy >> 8
        let isUnix = host == 3 || host == 19
        let mode = attributes >> 16
        let guessed: ArchiveEntryKind = name.hasSuffix("/") || (!isUnix && attributes & 0x10 != 0) ? .directory : .file
        guard isUnix else { return (guessed, false) }
        let isExecutable = mode & 0o111 != 0
        switch mode & 0o170000 {
        case 0o100000: return (.file, isExecutable)
        case 0o040000: return (.directory, isExecutable)
        case 0o120000: return (.symlink, isExecutable)
        case 0: return (guessed, isExecutable)
        case let type:
            let names: [UInt32: String] = [0o010000: "a FIFO", 0o020000: "a character device", 0o060000: "a block device", 0o140000: "a socket"]
            let described = names[type]
                ?? "of unknown type \(String(type, radix: 8))"
            throw ArchiveError(code: .unsupportedEntry,
                               message: "entry '\(name)' is \(described); archives may hold only files, folders and symlinks", entry: name)
        }
    }

    /// Checks the local header against the central record; returns where the entry's data starts.
    private static func localDataOffset(_ file: ArchiveFile, headerOffset: Int64, nameBytes: [UInt8],
                                        method: UInt16, name: String) throws(ArchiveError) -> Int64 {
        let what = "the local header of entry '\(name)'"
        let header = try file.bytes(at: headerOffset, count: localHeaderSize, what: what)
        guard header.littleEndianUInt32(at: 0) == localHeaderSignature else {
            throw ArchiveError(code: .malformed, message: "\(what) has no valid signature: the archive is damaged", entry: name)
        }
        let nameLength = Int(header.littleEndianUInt16(at: 26))
        let extraLength = Int(header.littleEndianUInt16(at: 28))
        let localName = try file.bytes(at: headerOffset + Int64(localHeaderSize), count: nameLength, what: what)
        guard localName == nameBytes, header.littleEndianUInt16(at: 8) == method else {
            throw ArchiveError(code: .malformed, message: "\(what) disagrees with the central directory (name or compression): the archive is damaged",
                               entry: name)
        }
        return headerOffset + Int64(localHeaderSize + nameLength + extraLength)
    }

    /// Entries (local header to end of data) must not overlap.
    private static func checkNoOverlap(_ spans: [(start: Int64, end: Int64, name: String)]) throws(ArchiveError) {
        var previousEnd: Int64 = 0
        var previousName = ""
        for span in spans.sorted(by: { $0.start < $1.start }) {
            guard span.start >= previousEnd else {
                throw ArchiveError(code: .malformed, message: "entry '\(span.name)' overlaps entry '\(previousName)': the archive is damaged",
                                   entry: span.name)
            }
            previousEnd = span.end
            previousName = span.name
        }
    }
}
