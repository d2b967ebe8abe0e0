import CHyperMeshABI

/// A host function's failure: the status returned to the extension and the message it gets.
///
/// `isRefusal` marks what the security layer refused (a capability not granted, a path escape, a
/// host off the allowlist, a rate or quota passed, a suspended extension), as opposed to a failure
/// of the operation itself (a bad argument, a missing key): the broker counts refusals as the
/// extension's host call denials.
struct HostCallFailure: Error, Equatable {
    let status: hypermesh_status
    let message: String
    let isRefusal: Bool

    init(_ status: hypermesh_status, _ message: String, isRefusal: Bool = false) {
        self.status = status
        self.message = message
        self.isRefusal = isRefusal
    }
}
