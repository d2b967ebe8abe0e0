import CHyperMeshABI

/// A host function's refusal: the status returned to the extension and the message it gets.
struct HostCallFailure: Error, Equatable {
    let status: hypermesh_status
    let message: String

    init(_ status: hypermesh_status, _ message: String) {
        self.status = status
        self.message = message
    }
}
