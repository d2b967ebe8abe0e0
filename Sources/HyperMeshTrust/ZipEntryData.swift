import Foundation
import ZIPFoundation

/// Streams one entry's bytes out of the archive, never reading outside the entry's own
/// compressed range: stored bytes as they are, deflated bytes through ZIPFoundation's inflate
/// (`Data.decompress`, zlib on Linux). The bytes actually produced are counted as they come and
/// may never go past the size the central directory declares (which the caller has checked
/// against the limits), and the result must have exactly that size and its CRC-32.
enum ZipEntryData {
    /// Bytes read (and, for deflate, produced) per step.
    static let chunkSize = 64 * 1024

    /// Hands the entry's decompressed bytes to `sink`, chunk by chunk. A chunk that would take the
    /// entry past its declared size is refused before it reaches the sink (`archive.malformed`),
    /// so at most the declared size is ever written. After the last chunk, size and CRC-32 are
    /// compared with the central directory (`archive.malformed`).
    static func stream(_ record: ZipEntryRecord, from file: ArchiveFile,
                       into sink: (Data) throws(ArchiveError) -> Void) throws(ArchiveError) {
        var produced: Int64 = 0
        var checksum: CRC32 = 0
        func accept(_ chunk: Data) throws(ArchiveError) {
            produced += Int64(chunk.count)
            guard produced <= record.uncompressedSize else {
                throw ArchiveError(code: .malformed,
                                   message: "entry '\(record.name)' decompresses to more than the \(record.uncompressedSize) bytes its header gives: the archive is damaged or lies about its sizes",
                                   entry: record.name)
            }
            try sink(chunk)
        }
        switch record.compression {
        case .stored:
            var offset = record.dataOffset
            let end = record.dataOffset + record.compressedSize
            while offset < end {
                let count = Int(min(Int64(chunkSize), end - offset))
                let chunk = Data(try file.bytes(at: offset, count: count, what: "the data of entry '\(record.name)'"))
                checksum = chunk.crc32(checksum: checksum)
                try accept(chunk)
                offset += Int64(count)
            }
        case .deflated:
            checksum = try inflate(record, from: file, into: accept)
        }
        guard produced == record.uncompressedSize else {
            throw ArchiveError(code: .malformed,
                               message: "entry '\(record.name)' decompresses to \(produced) bytes but its header gives \(record.uncompressedSize): the archive is damaged",
                               entry: record.name)
        }
        guard checksum == record.crc32 else {
            throw ArchiveError(code: .malformed, message: "entry '\(record.name)' fails its CRC-32 check: the archive is damaged", entry: record.name)
        }
    }

    /// Inflates the entry's range; returns the CRC-32 of the output.
    ///
    /// The provider hands out only the entry's compressed bytes and throws when asked for more, so
    /// a deflate stream that does not end inside its range is refused instead of read on (into the
    /// next entry, or looping at the end of the file). On Linux, ZIPFoundation's inflate tells zlib
    /// that every input chunk is `bufferSize` bytes long whatever its real length, so the last
    /// chunk is padded with zeros to that length: zlib never reads past the buffer, and whatever
    /// the padding decodes to is still counted, size-checked and CRC-checked.
    private static func inflate(_ record: ZipEntryRecord, from file: ArchiveFile,
                                into accept: (Data) throws(ArchiveError) -> Void) throws(ArchiveError) -> CRC32 {
        var next = record.dataOffset
        let end = record.dataOffset + record.compressedSize
        let provider: Provider = { _, requested in
            guard end > next, requested > 0 else {
                throw ArchiveError(code: .malformed,
                                   message: "the deflate data of entry '\(record.name)' does not end within its \(record.compressedSize) compressed bytes: the archive is truncated or damaged",
                                   entry: record.name)
            }
            let count = Int(min(Int64(requested), end - next))
            let chunk = Data(try file.bytes(at: next, count: count, what: "the data of entry '\(record.name)'"))
            next += Int64(count)
            #if canImport(Darwin)
            return chunk
            #else
            return count < requested ? chunk + Data(count: requested - count) : chunk
            #endif
        }
        do {
            return try Data.decompress(size: record.compressedSize, bufferSize: chunkSize, skipCRC32: false,
                                       provider: provider, consumer: { chunk in try accept(chunk) })
        } catch let error as ArchiveError {
            throw error
        } catch {
            throw ArchiveError(code: .malformed, message: "the deflate data of entry '\(record.name)' is damaged", entry: record.name, cause: "\(error)")
        }
    }
}
