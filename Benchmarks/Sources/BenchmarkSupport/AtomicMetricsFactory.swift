import CoreMetrics
import Synchronization

/// A minimal swift-metrics backend: every counter, recorder and timer is one atomic sum, with no
/// labels lookup, no histogram and no export. It stands in for "a host that bootstrapped a
/// metrics backend", so a benchmark can measure the runtime's metrics calls reaching a real
/// handler instead of swift-metrics' no-op default. A production backend (buckets, exporters)
/// costs more than this; treat figures taken with it as a lower bound.
public final class AtomicMetricsFactory: MetricsFactory {
    public init() {}

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler { AtomicSum() }
    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler { AtomicSum() }
    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler { AtomicSum() }
    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler { AtomicSum() }
    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { AtomicSum() }

    public func destroyCounter(_ handler: any CounterHandler) {}
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    public func destroyMeter(_ handler: any MeterHandler) {}
    public func destroyRecorder(_ handler: any RecorderHandler) {}
    public func destroyTimer(_ handler: any TimerHandler) {}
}

/// One atomic running total; every kind of handler adds to it (doubles are truncated).
final class AtomicSum: CounterHandler, FloatingPointCounterHandler, MeterHandler, RecorderHandler, TimerHandler, Sendable {
    private let total = Atomic<Int64>(0)

    func increment(by amount: Int64) { total.add(amount, ordering: .relaxed) }
    func increment(by amount: Double) { total.add(Int64(amount), ordering: .relaxed) }
    func set(_ value: Int64) { total.store(value, ordering: .relaxed) }
    func set(_ value: Double) { total.store(Int64(value), ordering: .relaxed) }
    func decrement(by amount: Double) { total.subtract(Int64(amount), ordering: .relaxed) }
    func record(_ value: Int64) { total.add(value, ordering: .relaxed) }
    func record(_ value: Double) { total.add(Int64(value), ordering: .relaxed) }
    func recordNanoseconds(_ duration: Int64) { total.add(duration, ordering: .relaxed) }
    func reset() { total.store(0, ordering: .relaxed) }
}
