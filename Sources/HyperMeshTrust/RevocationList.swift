import Foundation
import HyperMeshStrictJSON

/// What the operator no longer trusts: certificate fingerprints (SHA-256 of the DER bytes) and
/// package digests (SHA-256 of a package's `extension.json`, which pins every file of it).
///
/// Stored in the trust store as `revocations.json`, with `revocations.sig` (the
/// ``PackageSignature`` format) made by the key of a root in the same store; a list that is
/// missing its signature, or signed by anything else, makes every verification fail (fail closed).
///
/// File format (keys in this order when written; unknown keys are refused):
/// ```json
/// {"format": 1, "issued": "2026-11-25T10:00:00Z",
///  "certificates": ["<64 hex>", …], "packages": ["<64 hex>", …]}
/// ```
/// Not provided: protection against replaying an older signed list (there is no sequence number
/// checked against a previously seen one); keep the trust store writable by the operator only.
public struct RevocationList: Sendable, Equatable {
    public static let fileName = "revocations.json"
    public static let signatureFileName = "revocations.sig"
    public static let format = 1

    public var issued: Date
    public var certificates: Set<String>
    public var packages: Set<String>

    public init(issued: Date = Date(), certificates: Set<String> = [], packages: Set<String> = []) {
        self.issued = issued
        self.certificates = Set(certificates.map { $0.lowercased() })
        self.packages = Set(packages.map { $0.lowercased() })
    }

    /// The canonical bytes: sorted entries, second-precision ISO 8601 time.
    public func encoded() -> Data {
        func list(_ values: Set<String>) -> String {
            "[" + values.sorted().map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        }
        let issuedText = Self.timeFormatter().string(from: issued)
        let text = "{\n  \"format\": \(Self.format),\n  \"issued\": \"\(issuedText)\",\n"
            + "  \"certificates\": \(list(certificates)),\n  \"packages\": \(list(packages))\n}\n"
        return Data(text.utf8)
    }

    /// Parses and checks a list with the strict parser the manifest uses (``JSONParser``): the
    /// format number (exactly the integer ``format``, not `1.0` written as a string or a boolean),
    /// an ISO 8601 time, and 64-hex-digit entries. A key that appears twice, an unknown key or a
    /// value of the wrong type is refused with its JSON path, e.g. `$.packages[2]: expected a
    /// string, found the number 7`.
    public init(decoding data: Data, source: String) throws(TrustError) {
        func malformed(_ message: String, cause: (any Error & Sendable)? = nil) -> TrustError {
            if let cause { return TrustError(.revocationListMalformed, check: .revocation, "\(source): \(message)", cause: cause) }
            return TrustError(.revocationListMalformed, check: .revocation, "\(source): \(message)")
        }
        let root: JSONValue
        do throws(JSONParseError) {
            root = try JSONParser.parse(data)
        } catch {
            throw malformed("not valid JSON (\(error))", cause: error)
        }
        guard case .object(let members) = root else {
            throw malformed("$: the top level must be a JSON object, found \(root.kindDescription)")
        }
        var object: [String: JSONValue] = [:]
        let known: Set<String> = ["format", "issued", "certificates", "packages"]
        for member in members {
            let path = JSONPath.root.appending(key: member.key)
            guard known.contains(member.key) else { throw malformed("\(path): unknown key '\(member.key)'") }
            guard object[member.key] == nil else { throw malformed("\(path): the key appears twice; keep one") }
            object[member.key] = member.value
        }
        guard case .number(let formatNumber) = object["format"], formatNumber.integerValue == .value(UInt64(Self.format)) else {
            let found = object["format"].map { ", found \($0.kindDescription)" } ?? ", but it is missing"
            throw malformed("$.format: must be the integer \(Self.format)\(found)")
        }
        // The formatter also reads a signed year ("-970-01-01T…"), which it writes back without
        // the sign: only four-digit years are times a list was issued at.
        guard case .string(let issuedText) = object["issued"], Self.hasFourDigitYear(issuedText),
              let issued = Self.timeFormatter().date(from: issuedText) else {
            let found = object["issued"].map { ", found \($0.kindDescription)" } ?? ", but it is missing"
            throw malformed("$.issued: must be an ISO 8601 time like 2026-11-25T10:00:00Z\(found)")
        }
        func digests(_ key: String) throws(TrustError) -> Set<String> {
            guard let value = object[key] else { return [] }
            let path = JSONPath.root.appending(key: key)
            guard case .array(let elements) = value else {
                throw malformed("\(path): expected an array of strings, found \(value.kindDescription)")
            }
            var digests: Set<String> = []
            for (index, element) in elements.enumerated() {
                guard case .string(let text) = element else {
                    throw malformed("\(path.appending(index: index)): expected a string, found \(element.kindDescription)")
                }
                guard Self.isDigest(text) else {
                    throw malformed("\(path.appending(index: index)): '\(text)' is not a SHA-256 (64 hex digits)")
                }
                digests.insert(text.lowercased())
            }
            return digests
        }
        self.init(issued: issued, certificates: try digests("certificates"), packages: try digests("packages"))
    }

    static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) || (65...70).contains($0) }
    }

    /// Whether `text` starts with a four-digit year and a dash (`2026-`).
    static func hasFourDigitYear(_ text: String) -> Bool {
        let utf8 = Array(text.utf8.prefix(5))
        return utf8.count == 5 && utf8[..<4].allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } && utf8[4] == UInt8(ascii: "-")
    }

    static func timeFormatter() -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter
    }
}
