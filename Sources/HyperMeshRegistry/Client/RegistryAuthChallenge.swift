/// One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1): a scheme and its parameters,
/// e.g. `Bearer realm="https://auth.example/token",service="registry",scope="repository:a:pull"`.
///
/// Hand-written because no library available here parses it: NIOHTTP1 and AsyncHTTPClient hand
/// the header over as text, and the challenge grammar (auth-params whose values are tokens or
/// quoted strings with backslash escapes, commas both between parameters and inside quotes, several
/// challenges in one header) is not the structured-field syntax swift-http-structured-headers reads.
///
/// Parameter names are compared case-insensitively (they are stored lower-cased); the scheme is
/// compared case-insensitively too. A `token68` credential (as in `Basic abc==`) is skipped.
/// Not handled: a header this parser cannot read yields the challenges read before the fault.
public struct RegistryAuthChallenge: Sendable, Hashable {
    /// Lower-cased: `basic`, `bearer`.
    public var scheme: String
    /// Parameter names lower-cased, values unquoted.
    public var parameters: [String: String]

    public init(scheme: String, parameters: [String: String]) {
        self.scheme = scheme.lowercased()
        self.parameters = parameters
    }

    public var realm: String? { parameters["realm"] }
    public var service: String? { parameters["service"] }
    public var scope: String? { parameters["scope"] }

    /// All challenges in `header`, in order.
    public static func parse(_ header: String) -> [RegistryAuthChallenge] {
        var scanner = Scanner(Array(header.utf8))
        var challenges: [RegistryAuthChallenge] = []
        while true {
            scanner.skip { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: ",") }
            guard let scheme = scanner.token() else { break }
            var parameters: [String: String] = [:]
            // Parameters: name = value, separated by commas, until the next scheme.
            while true {
                let mark = scanner.position
                scanner.skipWhitespace()
                guard let name = scanner.token() else { scanner.position = mark; break }
                scanner.skipWhitespace()
                guard scanner.consume(UInt8(ascii: "=")) else {
                    // Either the next challenge's scheme or a token68: rewind, unless it is token68.
                    scanner.position = mark
                    break
                }
                scanner.skipWhitespace()
                if scanner.peek == UInt8(ascii: "=") || scanner.peek == nil || scanner.peek == UInt8(ascii: ",") {
                    // token68 such as `abc==`: skip to the next comma.
                    scanner.skip { $0 != UInt8(ascii: ",") }
                    break
                }
                guard let value = scanner.peek == UInt8(ascii: "\"") ? scanner.quotedString() : scanner.token() else {
                    return challenges + [RegistryAuthChallenge(scheme: scheme, parameters: parameters)]
                }
                parameters[name.lowercased()] = value
                scanner.skipWhitespace()
                guard scanner.consume(UInt8(ascii: ",")) else { break }
            }
            challenges.append(RegistryAuthChallenge(scheme: scheme, parameters: parameters))
        }
        return challenges
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            position += 1
            return true
        }

        mutating func skip(while predicate: (UInt8) -> Bool) {
            while let byte = peek, predicate(byte) { position += 1 }
        }

        mutating func skipWhitespace() {
            skip { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        }

        /// RFC 9110 `token` (tchar+); for token68 values `/`, `+` and `=` are not included.
        mutating func token() -> String? {
            let start = position
            skip { byte in
                (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
                    || "!#$%&'*+-.^_`|~/:".utf8.contains(byte)
            }
            return position > start ? String(decoding: bytes[start..<position], as: UTF8.self) : nil
        }

        /// A quoted string, with `\x` escapes resolved; nil when unterminated.
        mutating func quotedString() -> String? {
            guard consume(UInt8(ascii: "\"")) else { return nil }
            var value: [UInt8] = []
            while let byte = peek {
                position += 1
                switch byte {
                case UInt8(ascii: "\""): return String(decoding: value, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard let escaped = peek else { return nil }
                    value.append(escaped)
                    position += 1
                default: value.append(byte)
                }
            }
            return nil
        }
    }
}
