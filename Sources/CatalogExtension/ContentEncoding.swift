#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HyperMeshExtensionKit

/// How an asset's `content` string carries its bytes. Default `utf8`.
enum ContentEncoding: String, Sendable, Codable, CaseIterable {
    /// The content is the text itself.
    case utf8
    /// The content is standard Base64 (with padding) of arbitrary bytes.
    case base64

    /// Parses a request's optional `encoding` field (absent means `utf8`).
    init(field text: String?, path: String) throws(ExtensionError) {
        guard let text else {
            self = .utf8
            return
        }
        guard let encoding = ContentEncoding(rawValue: text) else {
            throw .invalidArgument("'\(path)' must be one of \(Self.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
        }
        self = encoding
    }

    /// The number of bytes `content` stands for; invalid Base64 is an invalid argument.
    func byteCount(of content: String, path: String) throws(ExtensionError) -> Int {
        switch self {
        case .utf8:
            return content.utf8.count
        case .base64:
            guard let bytes = Data(base64Encoded: content) else {
                throw .invalidArgument("'\(path)' is not valid Base64 (standard alphabet, with padding)")
            }
            return bytes.count
        }
    }
}
