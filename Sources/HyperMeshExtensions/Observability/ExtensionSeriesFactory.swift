import Metrics
import Synchronization

/// The metrics factory of one registered extension: it hands every request to the host's factory
/// and remembers each handler made, so that ``destroyAll()`` removes the extension's series from
/// the backend when the extension is unregistered (a Prometheus scrape then no longer shows them).
///
/// Series are shared by name and labels in the backends the host supports (swift-prometheus,
/// MetricsTestKit): a reload, which keeps the registration, keeps its series, and a context or
/// instance made again for the same extension gets the same series back. After ``destroyAll()``
/// a handler still asked for (by an instance that outlives its registration while it finishes)
/// is destroyed as soon as it is made: it counts into nothing and leaves no series behind.
/// Not guaranteed: that a backend which does not share series by name and labels, or ignores
/// `destroy`, removes anything.
final class ExtensionSeriesFactory: MetricsFactory {
    private enum Handler {
        case counter(any CounterHandler)
        case floatingPointCounter(any FloatingPointCounterHandler)
        case meter(any MeterHandler)
        case recorder(any RecorderHandler)
        case timer(any TimerHandler)
    }

    private struct Made {
        var destroyed = false
        var handlers: [ObjectIdentifier: Handler] = [:]
    }

    private let base: any MetricsFactory
    private let made = Mutex(Made())

    init(_ base: any MetricsFactory) {
        self.base = base
    }

    /// Destroys every handler made so far in the host's factory; later ones are destroyed at once.
    func destroyAll() {
        let handlers = made.withLock { made in
            made.destroyed = true
            defer { made.handlers = [:] }
            return Array(made.handlers.values)
        }
        handlers.forEach(destroy)
    }

    private func remember(_ handler: AnyObject, as kind: Handler) {
        let destroyed = made.withLock { made in
            if !made.destroyed { made.handlers[ObjectIdentifier(handler)] = kind }
            return made.destroyed
        }
        if destroyed { destroy(kind) }
    }

    private func destroy(_ handler: Handler) {
        switch handler {
        case .counter(let handler): base.destroyCounter(handler)
        case .floatingPointCounter(let handler): base.destroyFloatingPointCounter(handler)
        case .meter(let handler): base.destroyMeter(handler)
        case .recorder(let handler): base.destroyRecorder(handler)
        case .timer(let handler): base.destroyTimer(handler)
        }
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        let handler = base.makeCounter(label: label, dimensions: dimensions)
        remember(handler, as: .counter(handler))
        return handler
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        let handler = base.makeFloatingPointCounter(label: label, dimensions: dimensions)
        remember(handler, as: .floatingPointCounter(handler))
        return handler
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        let handler = base.makeMeter(label: label, dimensions: dimensions)
        remember(handler, as: .meter(handler))
        return handler
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        let handler = base.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
        remember(handler, as: .recorder(handler))
        return handler
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        let handler = base.makeTimer(label: label, dimensions: dimensions)
        remember(handler, as: .timer(handler))
        return handler
    }

    func destroyCounter(_ handler: any CounterHandler) { forget(handler); base.destroyCounter(handler) }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { forget(handler); base.destroyFloatingPointCounter(handler) }
    func destroyMeter(_ handler: any MeterHandler) { forget(handler); base.destroyMeter(handler) }
    func destroyRecorder(_ handler: any RecorderHandler) { forget(handler); base.destroyRecorder(handler) }
    func destroyTimer(_ handler: any TimerHandler) { forget(handler); base.destroyTimer(handler) }

    private func forget(_ handler: AnyObject) {
        _ = made.withLock { $0.handlers.removeValue(forKey: ObjectIdentifier(handler)) }
    }
}
