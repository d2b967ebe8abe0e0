import Synchronization

/// A small thread-safe map with a fixed number of entries, for values that are a pure function of
/// their key (a parsed certificate keyed by the SHA-256 of its DER bytes, for example).
///
/// When full, inserting a new key evicts the oldest inserted entry (first in, first out), so the
/// memory held never grows past ``capacity`` entries. A look-up never blocks for longer than a
/// dictionary access under a mutex.
///
/// Not guaranteed: that a value once inserted is found later (it may have been evicted); callers
/// compute the value again on a miss, so a miss changes speed, never a result.
final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// The most entries kept.
    let capacity: Int
    private let state: Mutex<State>

    private struct State: ~Copyable {
        var values: [Key: Value] = [:]
        /// Keys in insertion order; `oldest` indexes the next one to evict once `order` is full.
        var order: [Key] = []
        var oldest = 0
    }

    /// A cache of at most `capacity` entries (at least one).
    init(capacity: Int) {
        precondition(capacity > 0, "a cache holds at least one entry")
        self.capacity = capacity
        self.state = Mutex(State())
    }

    /// The value for `key`, if it is still cached.
    func value(for key: Key) -> Value? {
        state.withLock { $0.values[key] }
    }

    /// Caches `value` for `key`, evicting the oldest entry when the cache is full. A key already
    /// present gets the new value and keeps its place in the eviction order.
    func insert(_ value: Value, for key: Key) {
        state.withLock { state in
            if state.values.updateValue(value, forKey: key) != nil { return }
            if state.order.count < capacity {
                state.order.append(key)
            } else {
                state.values.removeValue(forKey: state.order[state.oldest])
                state.order[state.oldest] = key
                state.oldest = (state.oldest + 1) % capacity
            }
        }
    }

    /// How many entries are cached now (at most ``capacity``).
    var count: Int {
        state.withLock { $0.values.count }
    }
}
