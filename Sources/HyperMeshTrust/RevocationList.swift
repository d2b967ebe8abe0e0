import Foundation

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

    /// Parses and checks a list: the format number, an ISO 8601 time, and 64-hex-digit entries.
    public init(decoding data: Data, source: String) throws(TrustError) {
        func malformed(_ message: String, cause: String? = nil) -> TrustError {
            TrustError(.revocationListMalformed, check: .revocation, "\(source): \(message)", cause: cause)
        }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw malformed("the top level must be a JSON object")
            }
            object = parsed
        } catch let error as TrustError {
            throw error
        } catch {
            throw malformed("not valid JSON", cause: "\(error)")
        }
        let known: Set<String> = ["format", "issued", "certificates", "packages"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw malformed("unknown key '\(unknown)'")
        }
        guard let format = object["format"] as? Int, format == Self.format else {
            throw malformed("\"format\" must be \(Self.format)")
        }
        guard let issuedText = object["issued"] as? String, let issued = Self.timeFormatter().date(from: issuedText) else {
            throw malformed("\"issued\" must be an ISO 8601 time like 2026-11-25T10:00:00Z")
        }
        func digests(_ key: String) throws(TrustError) -> Set<String> {
            guard let values = (object[key] ?? [String]()) as? [String] else {
                throw malformed("\"\(key)\" must be an array of strings")
            }
            for value in values where !Self.isDigest(value) {
                throw malformed("\"\(key)\" holds '\(value)', which is not a SHA-256 (64 hex digits)")
            }
            return Set(values.map { $0.lowercased() })
        }
        self.init(issued: issued, certificates: try digests("certificates"), packages: try digests("packages"))
    }

    static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) || (65...70).contains($0) }
    }

    static func timeFormatter() -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter
    }
}
