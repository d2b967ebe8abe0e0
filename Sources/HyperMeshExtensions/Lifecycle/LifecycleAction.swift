/// A side effect that the owner of an ``ExtensionLifecycle`` must perform, in the order given.
///
/// The lifecycle performs no I/O itself. Cleanup actions (`destroyInstance`, `closeImage`) are
/// returned whenever the resource *may* exist, for instance after a load that failed halfway, so
/// performing them must succeed quietly when the resource was never created.
public enum LifecycleAction: Sendable, Hashable {
    /// Map the extension's payload (shared library, worker process or WebAssembly module).
    case loadImage
    /// Create the instance, bound to its security context.
    case createInstance
    /// Call the instance's `activate` entry (a missing entry counts as success).
    case callActivate
    /// Call the instance's `deactivate` entry (a missing entry counts as success).
    case callDeactivate
    /// Destroy the instance, after the last call into it has returned.
    case destroyInstance
    /// Release the image (for in-process Swift images this may mean only dropping references).
    case closeImage
    /// Start the new version of a reload beside the serving one (load, create, activate, canary).
    case startCandidate
    /// Route calls to the started candidate; it becomes the serving instance.
    case swapToCandidate
    /// Drain, deactivate and destroy the instance that served before the swap.
    case retirePreviousInstance
    /// Deactivate and destroy the candidate of a reload that did not complete.
    case retireCandidate
    /// Wait the supervisor's backoff, then apply `restartDue(generation:)`.
    case scheduleRestart(generation: UInt64)
    /// Restart the extension (load and activate it again).
    case restart
    /// Tell listeners about a state change.
    case publish(LifecycleChange)
}
