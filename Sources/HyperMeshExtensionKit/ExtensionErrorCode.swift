/// The stable code of an ``ExtensionError``: the `hypermesh_status` that crosses the C boundary.
///
/// The named values mirror `HYPERMESH_ERR_*` in `hypermesh_extension.h`. The type is a struct,
/// not an enum, so a code added by a newer host (the header only ever adds codes) still round-trips
/// unchanged instead of being folded into another one.
public struct ExtensionErrorCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The `hypermesh_status` value. `0` is `HYPERMESH_OK` and is never a valid error code: an error
    /// carrying it is reported to the host as ``internal``.
    public let rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// Malformed input, bad JSON, missing field (`HYPERMESH_ERR_INVALID_ARGUMENT`).
    public static let invalidArgument = ExtensionErrorCode(rawValue: 1)
    /// Unknown key, asset or method target (`HYPERMESH_ERR_NOT_FOUND`).
    public static let notFound = ExtensionErrorCode(rawValue: 2)
    /// The extension does not know the method (`HYPERMESH_ERR_UNKNOWN_METHOD`).
    public static let unknownMethod = ExtensionErrorCode(rawValue: 3)
    /// A capability was not granted (`HYPERMESH_ERR_PERMISSION_DENIED`).
    public static let permissionDenied = ExtensionErrorCode(rawValue: 4)
    /// A quota or rate limit was hit (`HYPERMESH_ERR_QUOTA_EXCEEDED`).
    public static let quotaExceeded = ExtensionErrorCode(rawValue: 5)
    /// Already exists, or a version conflict (`HYPERMESH_ERR_CONFLICT`).
    public static let conflict = ExtensionErrorCode(rawValue: 6)
    /// A host service is unavailable or the extension is not active (`HYPERMESH_ERR_UNAVAILABLE`).
    public static let unavailable = ExtensionErrorCode(rawValue: 7)
    /// A bug or an unexpected failure (`HYPERMESH_ERR_INTERNAL`).
    public static let `internal` = ExtensionErrorCode(rawValue: 8)

    /// The codes this version of the Kit knows by name, in numeric order.
    public static let known: [ExtensionErrorCode] = [
        .invalidArgument, .notFound, .unknownMethod, .permissionDenied, .quotaExceeded, .conflict,
        .unavailable, .internal,
    ]

    /// A stable snake_case name, e.g. `invalid_argument`; `status_<n>` for a code this Kit does not know.
    public var name: String {
        switch rawValue {
        case 1: "invalid_argument"
        case 2: "not_found"
        case 3: "unknown_method"
        case 4: "permission_denied"
        case 5: "quota_exceeded"
        case 6: "conflict"
        case 7: "unavailable"
        case 8: "internal"
        default: "status_\(rawValue)"
        }
    }

    public var description: String { name }
}
