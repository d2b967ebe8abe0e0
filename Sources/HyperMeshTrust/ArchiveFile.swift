import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An archive file opened for reading at given offsets (`pread`). Its size is taken once, at open
/// time: a read past it is a truncated archive (`archive.malformed`), a failing read is
/// `archive.io`. The file must be a regular file.
final class ArchiveFile {
    let path: String
    let size: Int64
    private let descriptor: Int32

    init(opening url: URL) throws(ArchiveError) {
        path = url.path
        // O_NONBLOCK: a FIFO in its place is refused by the fstat below instead of waited on.
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ArchiveError(code: .io, message: "cannot open the archive \(path)", cause: lastErrorText())
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw ArchiveError(code: .io, message: "\(path) is not a regular file; expected a .\(PackageArchive.fileExtension) archive")
        }
        self.descriptor = descriptor
        size = Int64(info.st_size)
    }

    deinit {
        close(descriptor)
    }

    /// Exactly `count` bytes at `offset`; `what` names the structure being read, for the message.
    func bytes(at offset: Int64, count: Int, what: @autoclosure () -> String) throws(ArchiveError) -> [UInt8] {
        guard count >= 0, offset >= 0, offset <= size, Int64(count) <= size - offset else {
            throw ArchiveError(code: .malformed,
                               message: "the archive ends inside \(what()) (it is \(size) bytes long): it is truncated or damaged")
        }
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let read = buffer.withUnsafeMutableBytes { raw in
                pread(descriptor, raw.baseAddress! + done, count - done, off_t(offset) + off_t(done))
            }
            if read < 0 {
                if errno == EINTR { continue }
                throw ArchiveError(code: .io, message: "cannot read the archive \(path)", cause: lastErrorText())
            }
            if read == 0 {
                throw ArchiveError(code: .malformed, message: "the archive \(path) became shorter while it was read (inside \(what()))")
            }
            done += read
        }
        return buffer
    }
}

/// `strerror(errno)`, for the `cause` of I/O errors.
func lastErrorText() -> String {
    String(cString: strerror(errno))
}

extension Array where Element == UInt8 {
    /// The little-endian `UInt16` at `offset` (ZIP's byte order).
    func littleEndianUInt16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    /// The little-endian `UInt32` at `offset` (ZIP's byte order).
    func littleEndianUInt32(at offset: Int) -> UInt32 {
        UInt32(littleEndianUInt16(at: offset)) | UInt32(littleEndianUInt16(at: offset + 2)) << 16
    }
}
