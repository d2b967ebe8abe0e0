import Crypto
import Foundation

/// A content digest as OCI writes it: `sha256:` and 64 lower-case hex digits.
///
/// Only SHA-256 is accepted: it is the algorithm every registry supports and the one the OCI
/// layout's `blobs/sha256/` folder names. A `sha512:` digest is refused as unsupported, not
/// silently accepted unchecked.
public struct OCIDigest: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The 64 lower-case hex digits.
    public let hex: String

    public var description: String { "sha256:\(hex)" }

    /// Parses `sha256:<64 lower-case hex>`.
    public init(parsing text: String) throws(RegistryError) {
        guard text.hasPrefix("sha256:") else {
            throw RegistryError(.referenceInvalid, subject: text, "a digest must be sha256:<64 hex digits> (other algorithms are not supported)")
        }
        let hex = String(text.dropFirst(7))
        try self.init(hex: hex, original: text)
    }

    /// From the hex digits alone (as in an OCI layout's file names).
    public init(hex: String) throws(RegistryError) {
        try self.init(hex: hex, original: hex)
    }

    private init(hex: String, original: String) throws(RegistryError) {
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw RegistryError(.referenceInvalid, subject: original, "a sha256 digest has 64 lower-case hex digits")
        }
        self.hex = hex
    }

    /// The digest of `bytes`.
    public init(of bytes: some DataProtocol) {
        self.hex = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// From a finished hasher.
    public init(_ digest: SHA256.Digest) {
        self.hex = digest.map { String(format: "%02x", $0) }.joined()
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public static func < (lhs: OCIDigest, rhs: OCIDigest) -> Bool { lhs.hex < rhs.hex }
}
