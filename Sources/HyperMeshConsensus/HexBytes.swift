/// Lowercase hexadecimal spelling of byte strings, the form every byte field takes in JSON.
enum HexBytes {
    private static let digits = Array("0123456789abcdef".utf8)

    /// `bytes` as lowercase hex, two digits per byte.
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var scalars: [UInt8] = []
        scalars.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            scalars.append(digits[Int(byte >> 4)])
            scalars.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: scalars, as: UTF8.self)
    }

    /// The bytes spelled by `text`, or nil unless it is an even number of lowercase hex digits.
    static func decode(_ text: String) -> [UInt8]? {
        let scalars = Array(text.utf8)
        guard scalars.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(scalars.count / 2)
        var index = 0
        while index < scalars.count {
            guard let high = value(of: scalars[index]), let low = value(of: scalars[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func value(of digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

extension KeyedDecodingContainer {
    /// Decodes a lowercase hex string into bytes; anything else is a `dataCorrupted` error naming the key.
    func decodeHex(forKey key: Key) throws -> [UInt8] {
        let text = try decode(String.self, forKey: key)
        guard let bytes = HexBytes.decode(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self,
                debugDescription: "'\(key.stringValue)' must be an even number of lowercase hex digits")
        }
        return bytes
    }
}

extension KeyedEncodingContainer {
    /// Encodes bytes as a lowercase hex string.
    mutating func encodeHex(_ bytes: [UInt8], forKey key: Key) throws {
        try encode(HexBytes.encode(bytes), forKey: key)
    }
}
