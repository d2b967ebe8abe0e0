import Synchronization

/// Parsed modules by the SHA-256 of their bytes, shared by every extension in the process: a module
/// is parsed once per digest, however many instances (or fresh instances after traps) it serves.
///
/// Bounded to ``capacity`` modules; past it, the least recently used is dropped (instances that
/// hold it keep it alive). Thread-safe.
public final class WasmModuleCache: Sendable {
    /// The process-wide cache.
    public static let shared = WasmModuleCache()

    /// Default 256 modules.
    public let capacity: Int
    private let state = Mutex(State())

    private struct State {
        var modules: [String: (module: WasmModule, lastUse: UInt64)] = [:]
        var clock: UInt64 = 0
        var hits = 0
        var misses = 0
    }

    public init(capacity: Int = 256) {
        self.capacity = max(capacity, 1)
    }

    /// The module with `digest`, parsing `bytes()` on a miss. A parse error is not cached.
    public func module(digest: String, bytes: () throws(WasmError) -> [UInt8]) throws(WasmError) -> WasmModule {
        if let cached = state.withLock({ state -> WasmModule? in
            state.clock += 1
            guard let hit = state.modules[digest] else { return nil }
            state.modules[digest]?.lastUse = state.clock
            state.hits += 1
            return hit.module
        }) {
            return cached
        }
        let parsed = try WasmModule(bytes: try bytes(), digest: digest)
        state.withLock { state in
            state.misses += 1
            state.clock += 1
            state.modules[digest] = (parsed, state.clock)
            if state.modules.count > capacity,
               let oldest = state.modules.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
                state.modules[oldest] = nil
            }
        }
        return parsed
    }

    /// Hits and misses since creation, for tests and metrics.
    public var statistics: (hits: Int, misses: Int, count: Int) {
        state.withLock { ($0.hits, $0.misses, $0.modules.count) }
    }

    /// Drops every module.
    public func removeAll() {
        state.withLock { $0.modules.removeAll() }
    }
}
