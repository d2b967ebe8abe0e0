/// Adopt this beside ``HyperMeshExtension`` to carry in-memory state across a hot reload: the host
/// calls ``exportState()`` on the running version, after it stopped admitting calls and the calls
/// in flight returned, and ``importState(_:)`` on the new version (after its `activate`) with those
/// bytes, before the new version serves its first call.
///
/// The bytes are yours: version the format, since the new version may be older or newer than the
/// one that exported. Throwing from either keeps the running version serving (the reload fails
/// with `lifecycle.reload_failed`, and its message carries yours). Keep it small and quick: callers wait
/// while it runs. State kept in host storage needs no hand-over.
public protocol StateHandOver: HyperMeshExtension {
    func exportState() throws(ExtensionError) -> [UInt8]
    func importState(_ state: [UInt8]) throws(ExtensionError)
}
