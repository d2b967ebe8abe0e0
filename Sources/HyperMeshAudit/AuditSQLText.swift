import Foundation
import GRDB

/// Passes strings to and from SQLite without losing anything after an embedded NUL character.
///
/// GRDB binds a `String` as a NUL-terminated C string and reads text the same way, which would
/// silently shorten such strings (and then break their hash). Strings that contain NUL are
/// therefore bound as their UTF-8 bytes and turned into TEXT by SQL (`CAST(? AS TEXT)`), and text
/// columns are read with `CAST(column AS BLOB)`, which returns every stored byte.
enum AuditSQLText {
    /// The statement argument for `text`, to be used where the SQL says `CAST(? AS TEXT)`.
    static func argument(_ text: String) -> any DatabaseValueConvertible {
        text.utf8.contains(0) ? Data(text.utf8) : text
    }

    /// Reads a column selected as `CAST(column AS BLOB)`; `nil` for `NULL`.
    /// Bytes that are not valid UTF-8 are replaced with U+FFFD.
    static func string(_ row: Row, _ index: Int) -> String? {
        let bytes: Data? = row[index]
        return bytes.map { String(decoding: $0, as: UTF8.self) }
    }
}
