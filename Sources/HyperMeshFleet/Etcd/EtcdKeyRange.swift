import Foundation

/// The `key` / `range_end` pair etcd uses to address one key or every key under a prefix.
struct EtcdKeyRange: Sendable {
    let key: Data
    /// Nil for a single key.
    let rangeEnd: Data?

    static func single(_ key: String) -> Self {
        Self(key: Data(key.utf8), rangeEnd: nil)
    }

    /// Every key starting with `prefix`: the range end is the prefix with its last byte below 0xff
    /// incremented (and the bytes after it dropped). The empty prefix (or one of only 0xff bytes)
    /// means every key: key `\0`, range end `\0`.
    static func prefix(_ prefix: String) -> Self {
        var end = Array(prefix.utf8)
        while let last = end.last, last == 0xff { end.removeLast() }
        guard let last = end.last else {
            return Self(key: prefix.isEmpty ? Data([0]) : Data(prefix.utf8), rangeEnd: Data([0]))
        }
        end[end.count - 1] = last + 1
        return Self(key: Data(prefix.utf8), rangeEnd: Data(end))
    }
}
