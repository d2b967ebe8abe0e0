import Foundation

/// A strict RFC 8259 JSON parser: UTF-8 input only, no comments, no trailing commas, no `NaN`, no
/// byte order mark, no unpaired surrogates, nesting limited to ``maximumDepth``.
///
/// Unlike `JSONSerialization` it keeps member order and duplicate keys (see ``JSONValue``) and
/// reports the line and column of the first error. It does not limit the input size (callers do).
public struct JSONParser {
    /// Objects and arrays nested deeper than this are refused (guards the stack against hostile input).
    public static let maximumDepth = 64

    private let bytes: [UInt8]
    private var position = 0

    private init(bytes: [UInt8]) { self.bytes = bytes }

    public static func parse(_ data: Data) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: Array(data))
        return try parser.parseDocument()
    }

    private mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            throw failure("the file starts with a UTF-8 byte order mark; save it as UTF-8 without BOM")
        }
        skipWhitespace()
        guard position < bytes.count else { throw failure("the document is empty; expected a JSON object") }
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard position == bytes.count else {
            throw failure("unexpected \(describeCurrent()) after the end of the top-level value")
        }
        return value
    }

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard let byte = current else { throw failure("unexpected end of input; expected a value") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case UInt8(ascii: "t"): return try parseLiteral("true", as: .bool(true))
        case UInt8(ascii: "f"): return try parseLiteral("false", as: .bool(false))
        case UInt8(ascii: "n"): return try parseLiteral("null", as: .null)
        default: throw failure("unexpected \(describeCurrent()); expected a value")
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        try checkDepth(depth)
        position += 1
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return .object([])
        }
        var members: [JSONMember] = []
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else {
                if current == UInt8(ascii: "}") { throw failure("trailing comma before '}' is not allowed") }
                throw failure("unexpected \(describeCurrent()); expected a key in double quotes")
            }
            let key = try parseString()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else {
                throw failure("unexpected \(describeCurrent()); expected ':' after the key \"\(key)\"")
            }
            position += 1
            skipWhitespace()
            members.append(JSONMember(key: key, value: try parseValue(depth: depth)))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                return .object(members)
            default: throw failure("unexpected \(describeCurrent()); expected ',' or '}' in an object")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        try checkDepth(depth)
        position += 1
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return .array([])
        }
        var elements: [JSONValue] = []
        while true {
            skipWhitespace()
            if current == UInt8(ascii: "]") { throw failure("trailing comma before ']' is not allowed") }
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                return .array(elements)
            default: throw failure("unexpected \(describeCurrent()); expected ',' or ']' in an array")
            }
        }
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        let start = position
        position += 1
        var buffer: [UInt8] = []
        while let byte = current {
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                guard let text = String(validating: buffer, as: UTF8.self) else {
                    throw failure("the string is not valid UTF-8", at: start)
                }
                return text
            case UInt8(ascii: "\\"):
                try parseEscape(into: &buffer)
            case 0x00..<0x20:
                throw failure("control character \(Self.hex(byte)) inside a string; write it as an escape such as \\n or \\u0000")
            default:
                buffer.append(byte)
                position += 1
            }
        }
        throw failure("unterminated string (missing closing '\"')", at: start)
    }

    private mutating func parseEscape(into buffer: inout [UInt8]) throws(JSONParseError) {
        let start = position
        position += 1
        guard let marker = current else { throw failure("unterminated escape sequence", at: start) }
        position += 1
        switch marker {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(marker)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            let scalar = try parseUnicodeEscape(startingAt: start)
            UTF8.encode(scalar) { buffer.append($0) }
        default:
            throw failure("invalid escape sequence '\\\(Self.printable(marker))'", at: start)
        }
    }

    /// Reads the `XXXX` of `\uXXXX` (and a following low surrogate escape when needed).
    private mutating func parseUnicodeEscape(startingAt start: Int) throws(JSONParseError) -> Unicode.Scalar {
        let first = try parseHex4(escapeStart: start)
        if (0xDC00...0xDFFF).contains(first) {
            throw failure("unpaired low surrogate \\u\(Self.hex4(first))", at: start)
        }
        guard (0xD800...0xDBFF).contains(first) else {
            // Every non-surrogate value below 0x10000 is a scalar.
            guard let scalar = Unicode.Scalar(first) else { throw failure("invalid \\u escape", at: start) }
            return scalar
        }
        guard current == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") else {
            throw failure("unpaired high surrogate \\u\(Self.hex4(first)); expected a \\uDC00-\\uDFFF escape after it", at: start)
        }
        position += 2
        let second = try parseHex4(escapeStart: start)
        guard (0xDC00...0xDFFF).contains(second) else {
            throw failure("high surrogate \\u\(Self.hex4(first)) is followed by \\u\(Self.hex4(second)), not a low surrogate", at: start)
        }
        let value = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        guard let scalar = Unicode.Scalar(value) else { throw failure("invalid surrogate pair", at: start) }
        return scalar
    }

    private mutating func parseHex4(escapeStart: Int) throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = Self.hexValue(byte) else {
                throw failure("\\u must be followed by four hexadecimal digits", at: escapeStart)
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        guard let first = current, Self.isDigit(first) else {
            throw failure("unexpected \(describeCurrent()); expected a digit (NaN and Infinity are not JSON)")
        }
        position += 1
        if first == UInt8(ascii: "0"), let next = current, Self.isDigit(next) {
            throw failure("numbers must not have leading zeros", at: start)
        }
        skipDigits()
        if current == UInt8(ascii: ".") {
            position += 1
            guard let digit = current, Self.isDigit(digit) else { throw failure("expected a digit after the decimal point") }
            skipDigits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard let digit = current, Self.isDigit(digit) else { throw failure("expected a digit in the exponent") }
            skipDigits()
        }
        return JSONNumber(text: String(decoding: bytes[start..<position], as: UTF8.self))
    }

    private mutating func parseLiteral(_ literal: String, as value: JSONValue) throws(JSONParseError) -> JSONValue {
        let expected = Array(literal.utf8)
        guard bytes[position...].starts(with: expected) else {
            throw failure("invalid literal; expected \(literal) (strings need double quotes)")
        }
        position += expected.count
        return value
    }

    // MARK: - Helpers

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
    }

    private mutating func skipDigits() {
        while let byte = current, Self.isDigit(byte) { position += 1 }
    }

    private func checkDepth(_ depth: Int) throws(JSONParseError) {
        guard depth <= Self.maximumDepth else {
            throw failure("objects and arrays are nested more than \(Self.maximumDepth) levels deep")
        }
    }

    private func describeCurrent() -> String {
        guard let byte = current else { return "end of input" }
        return byte >= 0x20 && byte < 0x7F ? "'\(Self.printable(byte))'" : "byte \(Self.hex(byte))"
    }

    private func failure(_ reason: String, at offset: Int? = nil) -> JSONParseError {
        let offset = Swift.min(offset ?? position, bytes.count)
        var line = 1
        var column = 1
        for byte in bytes[..<offset] {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                // Count scalars, not UTF-8 continuation bytes.
                column += 1
            }
        }
        return JSONParseError(reason: reason, offset: offset, line: line, column: column)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private static func printable(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : hex(byte)
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return "0x" + (digits.count == 1 ? "0" + digits : digits)
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: Swift.max(0, 4 - digits.count)) + digits
    }
}
