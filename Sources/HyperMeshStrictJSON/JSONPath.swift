/// A location inside a JSON document, written the JSONPath way: `$` for the whole document,
/// `$.quotas.concurrency` for a key, `$.capabilities[2]` for an array element.
///
/// Keys that are not plain names (`[A-Za-z_][A-Za-z0-9_]*`) use bracket notation with single
/// quotes, so dots inside keys stay unambiguous: `$.dependencies['org.example.base']`,
/// `$.files['lib/libfoo.so']`. Inside brackets `'` and `\` are escaped with `\`, and control
/// characters are written as `\u00XX`.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public private(set) var components: [Component] = []

    /// The root, `$`.
    public init() {}

    public static let root = JSONPath()

    public func appending(key: String) -> JSONPath {
        var path = self
        path.components.append(.key(key))
        return path
    }

    public func appending(index: Int) -> JSONPath {
        var path = self
        path.components.append(.index(index))
        return path
    }

    public var description: String {
        var text = "$"
        for component in components {
            switch component {
            case .index(let index): text += "[\(index)]"
            case .key(let key) where Self.isPlainName(key): text += "." + key
            case .key(let key): text += "['" + Self.escaped(key) + "']"
            }
        }
        return text
    }

    private static func isPlainName(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, first == "_" || first.isASCIILetter else { return false }
        return key.unicodeScalars.allSatisfy { $0 == "_" || $0.isASCIILetter || ("0"..."9").contains($0) }
    }

    private static func escaped(_ key: String) -> String {
        var text = ""
        for scalar in key.unicodeScalars {
            switch scalar {
            case "'", "\\": text += "\\" + String(scalar)
            case "\u{0}"..."\u{1F}", "\u{7F}":
                let digits = String(scalar.value, radix: 16, uppercase: false)
                text += "\\u00" + (digits.count == 1 ? "0" : "") + digits
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text
    }
}

extension Unicode.Scalar {
    package var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
