import Foundation
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file side of blob transfers. Every blocking system call (open, write, read, fsync, rename)
/// runs on NIO's singleton thread pool (`NIOThreadPool.singleton.runIfActive`), the same offload
/// `NonBlockingFileIO` uses, so neither the cooperative pool nor an event loop waits on the disk.
/// Writes and reads are one network chunk, or one upload chunk, at a time.
enum BlobFileIO {
    /// Runs `body` on the thread pool, mapping any failure to `oci.file_failed` about `path`.
    static func offload<T: Sendable>(_ path: String, _ what: String, _ body: @escaping @Sendable () throws -> T) async throws(RegistryError) -> T {
        do {
            return try await NIOThreadPool.singleton.runIfActive(body)
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(.fileFailed, subject: path, "cannot \(what)", cause: "\(error)")
        }
    }

    struct SystemCallFailure: Error, CustomStringConvertible {
        let description: String
        init(_ call: String) { description = "\(call): \(String(cString: strerror(errno)))" }
    }

    /// The size of the file at `url`.
    static func size(of url: URL) async throws(RegistryError) -> Int64 {
        try await offload(url.path, "read the size of the file") {
            var status = stat()
            guard stat(url.path, &status) == 0 else { throw SystemCallFailure("stat") }
            return Int64(status.st_size)
        }
    }

    /// Up to `count` bytes of `url` from `offset` (fewer only at the end of the file).
    static func read(_ url: URL, offset: Int64, count: Int) async throws(RegistryError) -> ByteBuffer {
        guard count > 0 else { return ByteBuffer() }
        return try await offload(url.path, "read the file") {
            let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw SystemCallFailure("open") }
            defer { close(descriptor) }
            var buffer = ByteBufferAllocator().buffer(capacity: count)
            var total = 0
            try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { pointer in
                while total < count {
                    let got = pread(descriptor, pointer.baseAddress! + total, count - total, off_t(offset) + off_t(total))
                    if got < 0 {
                        if errno == EINTR { continue }
                        throw SystemCallFailure("pread")
                    }
                    if got == 0 { break }
                    total += got
                }
                return total
            }
            return buffer
        }
    }

    /// A temporary file beside a blob's destination: created `O_EXCL` with mode 0644, written in
    /// order, then renamed over the destination by ``finish(renamingTo:)`` or removed by ``discard()``.
    struct TemporaryFile: Sendable {
        let path: String
        let descriptor: Int32

        static func create(beside destination: URL) async throws(RegistryError) -> TemporaryFile {
            let folder = destination.deletingLastPathComponent()
            let path = folder.appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).partial").path
            return try await offload(path, "create a temporary file for the blob") {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
                guard descriptor >= 0 else { throw SystemCallFailure("open") }
                return TemporaryFile(path: path, descriptor: descriptor)
            }
        }

        /// Appends `buffer`.
        func write(_ buffer: ByteBuffer) async throws(RegistryError) {
            let descriptor = descriptor
            try await offload(path, "write the blob") {
                try buffer.withUnsafeReadableBytes { bytes in
                    var done = 0
                    while done < bytes.count {
                        let written = systemWrite(descriptor, bytes.baseAddress! + done, bytes.count - done)
                        if written < 0 {
                            if errno == EINTR { continue }
                            throw SystemCallFailure("write")
                        }
                        done += written
                    }
                }
            }
        }

        /// Empties the file (a registry that ignored a resume request sends the blob from its start).
        func truncate() async throws(RegistryError) {
            let descriptor = descriptor
            try await offload(path, "truncate the temporary blob file") {
                guard ftruncate(descriptor, 0) == 0, lseek(descriptor, 0, SEEK_SET) == 0 else { throw SystemCallFailure("ftruncate") }
            }
        }

        /// Flushes, closes and renames the file to `destination` (replacing it).
        func finish(renamingTo destination: URL) async throws(RegistryError) {
            let (descriptor, path) = (descriptor, path)
            try await offload(destination.path, "store the blob") {
                guard fsync(descriptor) == 0 else { throw SystemCallFailure("fsync") }
                close(descriptor)
                guard rename(path, destination.path) == 0 else {
                    let failure = SystemCallFailure("rename")
                    unlink(path)
                    throw failure
                }
            }
        }

        /// Closes and removes the file.
        func discard() async {
            let (descriptor, path) = (descriptor, path)
            _ = try? await offload(path, "remove the temporary blob file") {
                close(descriptor)
                unlink(path)
            }
        }
    }
}

/// `write(2)`, named apart from ``BlobFileIO/TemporaryFile/write(_:)``.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(descriptor, bytes, count)
    #else
    Darwin.write(descriptor, bytes, count)
    #endif
}
