import Synchronization

/// The call handles of the extensions that accept calls, by id: what a call reads instead of
/// asking the registry's actor.
///
/// The registry installs a handle when an extension becomes active (or a reload swaps versions)
/// and withdraws it when the extension stops serving, under one mutex held only for a dictionary
/// access. A call that finds no handle asks the registry for the reason (the slow path, for errors only).
///
/// Not guaranteed: a handle read just before it is withdrawn may still be used; it then refuses
/// the call (`call.not_active`) once closed, and ``ExtensionRegistry/call(_:method:input:)``
/// retries once on the current handle.
final class CallTable: Sendable {
    private let handles = Mutex<[String: ExtensionHandle]>([:])

    /// The handle serving `id`, if it accepts calls.
    func handle(for id: String) -> ExtensionHandle? {
        handles.withLock { $0[id] }
    }

    /// Routes calls to `id` to `handle` from now on.
    func install(_ handle: ExtensionHandle) {
        handles.withLock { $0[handle.extensionID] = handle }
    }

    /// Stops routing calls to `id`; returns the handle that served them.
    @discardableResult
    func withdraw(_ id: String) -> ExtensionHandle? {
        handles.withLock { $0.removeValue(forKey: id) }
    }
}
