import Crypto
import Foundation

/// SHA-256 digests of package files, as lowercase hex (the spelling `extension.json` uses).
public enum FileDigest {
    /// The digest of a byte buffer.
    public static func sha256Hex(of data: some DataProtocol) -> String {
        SHA256.hash(data: data).hexString
    }

    /// The digest of a file's contents, read in 1 MiB chunks (the whole file is never held in memory).
    public static func sha256Hex(ofFileAt url: URL) throws(PackageError) -> String {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw PackageError(code: .fileUnreadable, message: "cannot read \(url.path)", path: url.path, cause: "\(error)")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
            }
        } catch {
            throw PackageError(code: .fileUnreadable, message: "cannot read \(url.path)", path: url.path, cause: "\(error)")
        }
        return hasher.finalize().hexString
    }
}

extension Digest {
    var hexString: String {
        var text = ""
        text.reserveCapacity(Self.byteCount * 2)
        for byte in self {
            text += String(byte, radix: 16).leftPadded(to: 2)
        }
        return text
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
