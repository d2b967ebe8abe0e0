// HyperMeshGuestJSON.swift — the JSON a small guest needs, without Foundation: a top-level string
// field of an object (with escape decoding) and string escaping for output. The same rules as
// Examples/c-kit/hypermesh_json.h, so C and Swift guests answer with the same bytes.

public enum JSON {
    /// What ``stringField(_:in:)`` found.
    public enum Field: Equatable {
        /// The field is present and a string: its decoded UTF-8 bytes.
        case found([UInt8])
        /// The input is an object without that field, or the field is not a string.
        case absent
        /// The input is not one JSON object.
        case invalid
    }

    /// The top-level string field `name` of the JSON object `input` (the first one if repeated).
    public static func stringField(_ name: StaticString, in input: [UInt8]) -> Field {
        let key = name.withUTF8Buffer { Array($0) }
        var reader = Reader(bytes: input)
        var result = Field.absent
        reader.space()
        guard reader.take(0x7B) else { return .invalid } // {
        reader.space()
        if !reader.take(0x7D) { // }
            while true {
                reader.space()
                guard let field = reader.string() else { return .invalid }
                reader.space()
                guard reader.take(0x3A) else { return .invalid } // :
                reader.space()
                if result == .absent, field == key, reader.peek == 0x22 {
                    guard let value = reader.string() else { return .invalid }
                    result = .found(value)
                } else if !reader.skipValue(depth: 1) {
                    return .invalid
                }
                reader.space()
                if reader.take(0x2C) { continue } // ,
                if reader.take(0x7D) { break }
                return .invalid
            }
        }
        reader.space()
        return reader.atEnd ? result : .invalid
    }

    /// `bytes` escaped for the inside of a JSON string: `"` and `\` backslashed, control characters
    /// as `\u00xx`, everything else as is.
    public static func escape(_ bytes: [UInt8]) -> [UInt8] {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for byte in bytes {
            if byte == 0x22 || byte == 0x5C {
                out.append(0x5C)
                out.append(byte)
            } else if byte < 0x20 {
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            } else {
                out.append(byte)
            }
        }
        return out
    }

    /// A cursor over JSON bytes.
    struct Reader {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index >= bytes.count }
        var peek: UInt8? { atEnd ? nil : bytes[index] }

        mutating func space() {
            while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            index += 1
            return true
        }

        /// A string at the cursor, decoded to UTF-8; nil if there is none or it is malformed.
        mutating func string() -> [UInt8]? {
            guard take(0x22) else { return nil }
            var out: [UInt8] = []
            while let byte = peek, byte != 0x22 {
                guard byte >= 0x20 else { return nil }
                index += 1
                guard byte == 0x5C else {
                    out.append(byte)
                    continue
                }
                guard let escape = peek else { return nil }
                index += 1
                switch escape {
                case 0x22, 0x5C, 0x2F: out.append(escape)
                case 0x62: out.append(0x08)
                case 0x66: out.append(0x0C)
                case 0x6E: out.append(0x0A)
                case 0x72: out.append(0x0D)
                case 0x74: out.append(0x09)
                case 0x75:
                    guard var scalar = hex4() else { return nil }
                    if scalar >= 0xD800 && scalar <= 0xDBFF {
                        guard take(0x5C), take(0x75), let low = hex4(), low >= 0xDC00, low <= 0xDFFF else { return nil }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                        return nil
                    }
                    appendUTF8(scalar, to: &out)
                default: return nil
                }
            }
            guard take(0x22) else { return nil }
            return out
        }

        /// Skips one value of any kind; false if it is malformed or nested deeper than 64.
        mutating func skipValue(depth: Int) -> Bool {
            guard depth <= 64 else { return false }
            space()
            guard let first = peek else { return false }
            if first == 0x22 { return string() != nil }
            if first == 0x7B || first == 0x5B {
                let close: UInt8 = first == 0x7B ? 0x7D : 0x5D
                index += 1
                space()
                if take(close) { return true }
                while true {
                    if first == 0x7B {
                        space()
                        guard string() != nil else { return false }
                        space()
                        guard take(0x3A) else { return false }
                    }
                    guard skipValue(depth: depth + 1) else { return false }
                    space()
                    if take(0x2C) { continue }
                    return take(close)
                }
            }
            for literal in [Array("true".utf8), Array("false".utf8), Array("null".utf8)]
            where bytes.count - index >= literal.count && bytes[index..<index + literal.count].elementsEqual(literal) {
                index += literal.count
                return true
            }
            let start = index
            while let byte = peek, (byte >= 0x30 && byte <= 0x39) || byte == 0x2B || byte == 0x2D || byte == 0x2E
                || byte == 0x65 || byte == 0x45
            {
                index += 1
            }
            return index > start
        }

        private mutating func hex4() -> UInt32? {
            guard bytes.count - index >= 4 else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x61...0x66: digit = byte - 0x61 + 10
                case 0x41...0x46: digit = byte - 0x41 + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
                index += 1
            }
            return value
        }

        private func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
            switch scalar {
            case ..<0x80:
                out.append(UInt8(scalar))
            case ..<0x800:
                out.append(UInt8(0xC0 | scalar >> 6))
                out.append(UInt8(0x80 | scalar & 0x3F))
            case ..<0x10000:
                out.append(UInt8(0xE0 | scalar >> 12))
                out.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
                out.append(UInt8(0x80 | scalar & 0x3F))
            default:
                out.append(UInt8(0xF0 | scalar >> 18))
                out.append(UInt8(0x80 | (scalar >> 12) & 0x3F))
                out.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
                out.append(UInt8(0x80 | scalar & 0x3F))
            }
        }
    }
}
