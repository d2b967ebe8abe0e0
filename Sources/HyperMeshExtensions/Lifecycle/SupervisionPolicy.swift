import HyperMeshSecurity

/// How the registry supervises isolated extensions whose worker process ends (a crash, a kill at
/// the call deadline, an exit): the extension is marked `failed` with the cause, then restarted
/// after a delay that grows with each failure (``RestartBackoff``), until ``maxFailures`` failures
/// fall within ``window``: then restarts stop and the extension is suspended (the crash-loop
/// breaker, ``CrashLoopBreaker``) until an operator resumes it.
///
/// Defaults: restarts on, 1 s doubling up to 30 s, 5 failures within 60 s suspend.
///
/// Not supervised: in-process native extensions (a crash there is the host's crash) and wasm
/// guests (a trap fails the call, not the instance, and is a security violation instead).
public struct SupervisionPolicy: Sendable, Hashable {
    /// Whether a failed worker is restarted at all. Default true; false leaves it `failed`.
    public var restarts: Bool
    /// Failures within ``window`` that stop restarts and suspend the extension. Default 5.
    public var maxFailures: Int
    /// Default 60 s.
    public var window: Duration
    /// The delay before each restart. Default 1 s, ×2, at most 30 s.
    public var backoff: RestartBackoff

    public init(restarts: Bool = true, maxFailures: Int = 5, window: Duration = .seconds(60), backoff: RestartBackoff = RestartBackoff()) {
        self.restarts = restarts
        self.maxFailures = maxFailures
        self.window = window
        self.backoff = backoff
    }

    /// The policy file's `supervision` section.
    public init(_ settings: SupervisionSettings) {
        self.init(restarts: settings.restarts, maxFailures: settings.maxFailures, window: .seconds(settings.windowSeconds),
                  backoff: RestartBackoff(initial: .milliseconds(settings.initialDelayMilliseconds), factor: settings.delayFactor,
                                          maximum: .milliseconds(settings.maxDelayMilliseconds)))
    }

    /// No restarts: a failed worker leaves its extension `failed` until an operator acts.
    public static let noRestarts = SupervisionPolicy(restarts: false)

    /// A fresh breaker with this policy's limits.
    func makeBreaker() -> CrashLoopBreaker {
        CrashLoopBreaker(maxFailures: maxFailures, window: window, backoff: backoff)
    }
}
