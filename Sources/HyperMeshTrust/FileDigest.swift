import Crypto
import Foundation
import HyperMeshManifest

/// SHA-256 digests of package files, as lowercase hex (the spelling `extension.json` uses).
public enum FileDigest {
    /// The digest of a byte buffer.
    public static func sha256Hex(of data: some DataProtocol) -> String {
        SHA256.hash(data: data).hexString
    }

    /// The digest of a file's contents, read in 1 MiB chunks (the whole file is never held in memory).
    ///
    /// Only a regular file is read (``RegularFile``: `O_NOFOLLOW | O_NONBLOCK`, then `fstat`): a
    /// FIFO, device, socket, folder or symbolic link is refused at once as `notRegularFile`;
    /// anything else that fails (a missing file too) is `fileUnreadable`.
    public static func sha256Hex(ofFileAt url: URL) throws(PackageError) -> String {
        do throws(RegularFileError) {
            return try sha256Hex(of: try RegularFile(path: url.path))
        } catch {
            throw PackageError(error)
        }
    }

    /// An incremental SHA-256, for callers that hash bytes as they copy them.
    public struct Hasher {
        private var state = SHA256()
        public init() {}
        public mutating func update(_ bytes: UnsafeRawBufferPointer) { state.update(bufferPointer: bytes) }
        /// The digest of everything given so far, as lowercase hex.
        public func finalize() -> String { state.finalize().hexString }
    }

    /// The digest of an open regular file, from its current position to its end, in 1 MiB chunks.
    public static func sha256Hex(of file: RegularFile) throws(RegularFileError) -> String {
        var hasher = SHA256()
        try file.forEachChunk { hasher.update(bufferPointer: $0) }
        return hasher.finalize().hexString
    }
}

extension PackageError {
    /// The package error for a file ``RegularFile`` refused or could not read; `path` is what the
    /// error names (a package-relative path, when the caller has one).
    public init(_ error: RegularFileError, path: String? = nil) {
        let named = path ?? error.path
        switch error {
        case .missing:
            self.init(code: .fileUnreadable, message: "cannot read '\(named)': it does not exist", path: named)
        case .notRegular(_, let kind):
            self.init(code: .notRegularFile,
                      message: "'\(named)' is a \(kind), not a regular file; a package may hold only regular files (and folders)",
                      path: named)
        case .tooLarge(_, let limit):
            self.init(code: .fileUnreadable, message: "'\(named)' is larger than \(limit) bytes", path: named)
        case .unreadable(_, let cause):
            self.init(code: .fileUnreadable, message: "cannot read '\(named)'", path: named, cause: cause)
        }
    }
}

extension Digest {
    /// Lowercase hex, two digits per byte, written straight into one string (no string per byte).
    var hexString: String {
        withUnsafeBytes { bytes in FileDigest.lowercaseHex(bytes) }
    }
}

extension FileDigest {
    /// `bytes` as lowercase hex.
    static func lowercaseHex(_ bytes: UnsafeRawBufferPointer) -> String {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: bytes.count * 2) { output in
            digits.withUTF8Buffer { digits in
                for (index, byte) in bytes.enumerated() {
                    output[2 * index] = digits[Int(byte >> 4)]
                    output[2 * index + 1] = digits[Int(byte & 0x0F)]
                }
            }
            return bytes.count * 2
        }
    }
}
