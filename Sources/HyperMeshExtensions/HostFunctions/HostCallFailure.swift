import CHyperMeshABI

/// A host function's failure: the status returned to the extension and the message it gets.
///
/// `isRefusal` marks what the security layer refused (a capability not granted, a path escape, a
/// host off the allowlist, a rate or quota passed, a suspended extension), as opposed to a failure
/// of the operation itself (a bad argument, a missing key): refusals count as the extension's
/// host call denials. App function bodies throw the public constructors below.
public struct HostCallFailure: Error, Equatable, Sendable {
    let status: hypermesh_status
    public let message: String
    let isRefusal: Bool

    init(_ status: hypermesh_status, _ message: String, isRefusal: Bool = false) {
        self.status = status
        self.message = message
        self.isRefusal = isRefusal
    }

    /// The status code the caller sees (`HYPERMESH_ERR_*`).
    public var statusCode: Int32 { status }

    /// A malformed input (`INVALID_ARGUMENT`).
    public static func invalidArgument(_ message: String) -> HostCallFailure { HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, message) }
    /// Something the input names does not exist (`NOT_FOUND`).
    public static func notFound(_ message: String) -> HostCallFailure { HostCallFailure(HYPERMESH_ERR_NOT_FOUND, message) }
    /// Already exists, or a version conflict (`CONFLICT`).
    public static func conflict(_ message: String) -> HostCallFailure { HostCallFailure(HYPERMESH_ERR_CONFLICT, message) }
    /// The service behind the function is not available now (`UNAVAILABLE`).
    public static func unavailable(_ message: String) -> HostCallFailure { HostCallFailure(HYPERMESH_ERR_UNAVAILABLE, message) }
    /// An unexpected failure (`INTERNAL`).
    public static func `internal`(_ message: String) -> HostCallFailure { HostCallFailure(HYPERMESH_ERR_INTERNAL, message) }
}
