import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files that must not be readable by others (private keys, tokens): created with
/// `O_CREAT|O_EXCL` and mode 0600, so an existing file is never overwritten and there is no moment
/// when the content is world-readable.
public enum SecretFile {
    public static func create(_ file: URL, contents: Data) throws(TrustError) {
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw TrustError(.writeFailed, "cannot create \(file.path) (it must not exist yet)", cause: reason)
        }
        defer { close(descriptor) }
        let written = contents.withUnsafeBytes { buffer in
            write(descriptor, buffer.baseAddress, buffer.count)
        }
        guard written == contents.count else {
            throw TrustError(.writeFailed, "cannot write \(file.path)", cause: String(cString: strerror(errno)))
        }
    }
}
