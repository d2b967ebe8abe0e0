import Foundation

/// The stored form of a record's details: a JSON object of strings, keys in ascending order of
/// their UTF-8 bytes, no whitespace, non-ASCII characters written as UTF-8, control characters,
/// `"` and `\` escaped. The hash does not cover this text but the decoded map (see
/// ``AuditCanonicalEncoding``), so any JSON spelling of the same map verifies.
enum AuditDetailsJSON {
    static let empty = "{}"

    static func encode(_ details: [String: String]) -> String {
        encode(sortedDetails: AuditCanonicalEncoding.sortedByUTF8Key(details))
    }

    /// `sortedDetails` must be in the order of ``AuditCanonicalEncoding/sortedByUTF8Key(_:)``.
    static func encode(sortedDetails: [(key: String, value: String)]) -> String {
        if sortedDetails.isEmpty { return empty }
        var output: [UInt8] = [UInt8(ascii: "{")]
        for (index, detail) in sortedDetails.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            appendQuoted(detail.key, to: &output)
            output.append(UInt8(ascii: ":"))
            appendQuoted(detail.value, to: &output)
        }
        output.append(UInt8(ascii: "}"))
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes stored details; throws when the text is not a JSON object of strings.
    static func decode(_ text: String) throws -> [String: String] {
        if text == empty { return [:] }
        return try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private static func appendQuoted(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        if !text.utf8.contains(where: needsEscape) {
            // The usual case, copied at once.
            output.append(contentsOf: text.utf8)
            output.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                output.append(UInt8(ascii: "\\"))
                output.append(byte)
            case UInt8(ascii: "\n"):
                output.append(contentsOf: Array(#"\n"#.utf8))
            case UInt8(ascii: "\r"):
                output.append(contentsOf: Array(#"\r"#.utf8))
            case UInt8(ascii: "\t"):
                output.append(contentsOf: Array(#"\t"#.utf8))
            case 0x00..<0x20:
                output.append(contentsOf: Array(#"\u00"#.utf8))
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            default:
                output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
