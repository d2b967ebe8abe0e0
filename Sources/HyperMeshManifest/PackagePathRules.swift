/// The rules for paths inside a package (`entry` and the keys of `files`), the same as
/// `docs/extension.schema.json`.
///
/// A package path is relative and canonical: components separated by `/`, none of them empty,
/// `.` or `..`; no leading `/`; no backslash (a Windows separator) and no control character
/// (U+0000–U+001F, U+007F). Example: `lib/libcatalog.so`.
///
/// Not guaranteed: that the file exists, that it stays inside the package once symbolic links are
/// followed (the package verifier checks that), or that the name is portable to every file system.
public enum PackagePathRules {
    /// Why `path` is not a valid package path, or nil if it is.
    public static func problem(with path: String) -> String? {
        guard !path.isEmpty else { return "the path is empty" }
        guard !path.hasPrefix("/") else { return "'\(path)' is absolute; write it relative to the package folder" }
        if let bad = path.unicodeScalars.first(where: isForbidden) {
            let name = bad == "\\" ? "a backslash; use '/' to separate folders" : "control character U+\(hex(bad))"
            return "'\(escaped(path))' contains \(name)"
        }
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            switch component {
            case "": return "'\(path)' has an empty component ('//' or a trailing '/')"
            case ".": return "'\(path)' has a '.' component; write the path without it"
            case "..": return "'\(path)' has a '..' component; paths must stay inside the package"
            default: continue
            }
        }
        return nil
    }

    private static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\\" || scalar.value < 0x20 || scalar.value == 0x7F
    }

    private static func hex(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The path with control characters made visible, for messages.
    private static func escaped(_ path: String) -> String {
        var text = ""
        for scalar in path.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F { text += "\\u" + hex(scalar) } else { text.unicodeScalars.append(scalar) }
        }
        return text
    }
}
