/// The spelling of a file digest in `files`: a SHA-256 as exactly 64 lower-case hexadecimal
/// characters (what `sha256sum` prints). Only the spelling is checked here, not the file.
public enum FileDigestRules {
    /// The length of a SHA-256 digest in hexadecimal characters.
    public static let hexLength = 64

    /// Why `digest` is not a lower-case hex SHA-256, or nil if it is.
    public static func problem(with digest: String) -> String? {
        let scalars = digest.unicodeScalars
        guard scalars.allSatisfy({ ("0"..."9").contains($0) || ("a"..."f").contains($0) }) else {
            if scalars.allSatisfy({ ("0"..."9").contains($0) || ("a"..."f").contains($0) || ("A"..."F").contains($0) }) {
                return "'\(digest)' has upper-case letters; write the SHA-256 in lower-case hex"
            }
            return "'\(digest)' is not hexadecimal; expected the SHA-256 as \(hexLength) lower-case hex characters"
        }
        guard scalars.count == hexLength else {
            return "'\(digest)' has \(scalars.count) characters; a SHA-256 has \(hexLength) hex characters"
        }
        return nil
    }
}
