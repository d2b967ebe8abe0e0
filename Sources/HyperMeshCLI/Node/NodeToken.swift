import Crypto
import Foundation

/// The node's admin token: 32 random bytes as hex in `<state dir>/node.token`, created with mode
/// 0600 at the node's first start and kept across restarts. Clients send it as
/// `Authorization: Bearer <token>`; the CLI reads it from the same file.
public enum NodeToken {
    public static func file(stateDirectory: URL) -> URL {
        stateDirectory.appendingPathComponent("node.token")
    }

    /// The token in `stateDirectory`, created if there is none.
    public static func loadOrCreate(stateDirectory: URL) throws -> String {
        if let existing = read(stateDirectory: stateDirectory) { return existing }
        let token = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).map { String(format: "%02x", $0) }.joined() }
        try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
        let path = file(stateDirectory: stateDirectory).path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST, let raced = read(stateDirectory: stateDirectory) { return raced }
            throw NodeTokenError(message: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let bytes = Array((token + "\n").utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else {
            throw NodeTokenError(message: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        return token
    }

    /// The token in `stateDirectory`, if the file exists and holds one.
    public static func read(stateDirectory: URL) -> String? {
        guard let text = try? String(contentsOf: file(stateDirectory: stateDirectory), encoding: .utf8) else { return nil }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return token.isEmpty ? nil : token
    }

    /// Compares two tokens in time that does not depend on where they differ.
    package static func matches(_ given: String, _ expected: String) -> Bool {
        let a = Array(given.utf8), b = Array(expected.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

package struct NodeTokenError: Error, CustomStringConvertible {
    package let message: String
    package var description: String { message }
}
