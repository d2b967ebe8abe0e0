/// A native extension written in Swift. Export it with ``ExtensionExport``.
///
/// Lifecycle, as driven by the host: `init(host:)` (from `hypermesh_extension_create`), then
/// `activate()`, any number of `handle(method:input:)` and `health()` calls, `deactivate()`,
/// possibly `activate()` again, and finally the object is released (from
/// `hypermesh_extension_destroy`). Do not call the host from `deinit`: destroy has started then
/// and the host API may no longer be used.
///
/// Threading: `handle` is called concurrently only if the manifest's `concurrency` quota is above 1
/// (default 1: calls are serialized); an extension that raises it must make `handle` thread-safe.
/// `init`, `activate`, `deactivate` and destruction never overlap each other.
public protocol HyperMeshExtension: AnyObject {
    /// Creates the instance. A thrown error makes `hypermesh_extension_create` return NULL with the
    /// error handed to the host. The `host` value stays usable until the instance is destroyed.
    init(host: ExtensionHost) throws(ExtensionError)

    /// Handles one request. Input and output are bytes, JSON by convention (see ``MethodRouter``).
    /// Return an empty array for "no output".
    func handle(method: String, input: [UInt8]) throws(ExtensionError) -> [UInt8]

    /// Called when the extension becomes active. Default: does nothing.
    func activate() throws(ExtensionError)

    /// Called before the extension becomes inactive. Default: does nothing.
    func deactivate() throws(ExtensionError)

    /// Self-reported health. Default: ``ExtensionHealth/healthy``.
    func health() -> ExtensionHealth
}

extension HyperMeshExtension {
    public func activate() throws(ExtensionError) {}

    public func deactivate() throws(ExtensionError) {}

    public func health() -> ExtensionHealth { .healthy }
}
