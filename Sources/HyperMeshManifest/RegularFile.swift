import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A package file opened for reading only if it is a regular file: never a FIFO (whose `open`
/// or `read` can wait forever for a writer), a device, a socket, a folder or a symbolic link.
///
/// The path is first checked with `lstat` (so a device is not even opened), then opened with
/// `O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC` and checked again with `fstat` on the open
/// descriptor, which is what every read uses: a file swapped for something else between the two
/// checks is refused too. A symbolic link as the last component is refused (callers that allow
/// links inside a package resolve them first).
///
/// Not guaranteed: that the content does not change while it is read (a regular file can be
/// rewritten in place by whoever may write it).
public final class RegularFile {
    /// The path the file was opened from (for messages).
    public let path: String
    /// The size `fstat` reported when the file was opened.
    public let size: Int64
    private let descriptor: Int32

    /// Opens `path`, refusing anything that is not a regular file.
    public init(path: String) throws(RegularFileError) {
        var before = stat()
        guard lstat(path, &before) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .missing(path: path) }
            throw .unreadable(path: path, cause: String(cString: strerror(code)))
        }
        guard before.st_mode & S_IFMT == S_IFREG else {
            throw .notRegular(path: path, kind: Self.kindName(before.st_mode))
        }
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            switch code {
            case ENOENT, ENOTDIR: throw .missing(path: path)
            case ELOOP: throw .notRegular(path: path, kind: "symbolic link")
            case ENXIO: throw .notRegular(path: path, kind: "socket or device")
            default: throw .unreadable(path: path, cause: String(cString: strerror(code)))
            }
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let cause = String(cString: strerror(errno))
            close(descriptor)
            throw .unreadable(path: path, cause: cause)
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw .notRegular(path: path, kind: Self.kindName(info.st_mode))
        }
        self.path = path
        self.size = Int64(info.st_size)
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Reads from the current position to the end of the file, or `limit + 1` bytes when the file
    /// is longer than `limit` (so a caller can tell "too large" without reading it all).
    public func readToEnd(limit: Int = .max) throws(RegularFileError) -> Data {
        var data = Data()
        // The size seen at open, bounded by the limit and by 16 MiB (a larger file grows the buffer as it is read).
        data.reserveCapacity(Int(min(max(size, 0), Int64(min(limit, 1 << 24)))) + 1)
        try forEachChunk(stoppingAfter: limit == .max ? .max : limit + 1) { data.append(contentsOf: $0) }
        return data
    }

    /// Reads the file in chunks of at most `chunkSize` bytes (default 1 MiB) and hands each to
    /// `body`, until the end of the file or `stoppingAfter` bytes in all.
    ///
    /// The buffer is sized for the file as `fstat` saw it at open (plus one byte, to see the end
    /// in the same read), never more than `chunkSize`, and is not zero-filled: a 16 KiB file costs
    /// a 16 KiB buffer, not 1 MiB. A file that grew since it was opened is still read to its end,
    /// in as many reads as it takes.
    public func forEachChunk(chunkSize: Int = 1 << 20, stoppingAfter total: Int = .max,
                             _ body: (UnsafeRawBufferPointer) -> Void) throws(RegularFileError) {
        let sized = size < Int64(chunkSize) ? Int(max(size, 0)) + 1 : chunkSize
        let capacity = max(1, min(sized, total))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        var done = 0
        while done < total {
            let wanted = min(capacity, total - done)
            let count = read(descriptor, buffer.baseAddress, wanted)
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                throw .unreadable(path: path, cause: String(cString: strerror(code)))
            }
            if count == 0 { return }
            done += count
            body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    /// Reads the whole file at `path`, refusing a file that is not regular or is larger than `limit`.
    public static func contents(of path: String, limit: Int = .max) throws(RegularFileError) -> Data {
        let file = try RegularFile(path: path)
        let data = try file.readToEnd(limit: limit)
        guard data.count <= limit else { throw .tooLarge(path: path, limit: limit) }
        return data
    }

    /// A file type in words, for messages: "FIFO", "socket", "directory"...
    public static func kindName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFREG: "regular file"
        case S_IFDIR: "directory"
        case S_IFIFO: "FIFO"
        case S_IFSOCK: "socket"
        case S_IFCHR: "character device"
        case S_IFBLK: "block device"
        case S_IFLNK: "symbolic link"
        default: "file of unknown type"
        }
    }
}

/// Why ``RegularFile`` refused or failed to read a file.
public enum RegularFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing at the path.
    case missing(path: String)
    /// Something other than a regular file: a FIFO, a device, a socket, a folder, a symbolic link.
    case notRegular(path: String, kind: String)
    /// Larger than the reader's limit.
    case tooLarge(path: String, limit: Int)
    /// `open`, `fstat` or `read` failed (permissions, I/O error).
    case unreadable(path: String, cause: String)

    public var path: String {
        switch self {
        case .missing(let path), .notRegular(let path, _), .tooLarge(let path, _), .unreadable(let path, _): path
        }
    }

    public var description: String {
        switch self {
        case .missing(let path): "\(path) does not exist"
        case .notRegular(let path, let kind): "\(path) is a \(kind), not a regular file"
        case .tooLarge(let path, let limit): "\(path) is larger than \(limit) bytes"
        case .unreadable(let path, let cause): "cannot read \(path): \(cause)"
        }
    }
}
