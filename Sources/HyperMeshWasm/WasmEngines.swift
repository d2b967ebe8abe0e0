import WasmKit

/// The WasmKit engines the host runs guests on: one with fuel metering (every extension) and one
/// without (only to measure what metering costs). Shared by every store of the process; an engine
/// without an interceptor is safe to share. Memory bounds are checked in software: the `mprotect`
/// strategy would have WasmKit install a process-wide signal handler in the host.
public enum WasmEngines {
    public static var metered: Engine { shared.metered }
    public static var unmetered: Engine { shared.unmetered }

    private static let shared = Pair()

    private final class Pair: @unchecked Sendable {
        let metered = Engine(configuration: EngineConfiguration(compilationMode: .eager, memoryBoundsChecking: .software, fuelMetering: true))
        let unmetered = Engine(configuration: EngineConfiguration(compilationMode: .eager, memoryBoundsChecking: .software, fuelMetering: false))
    }
}
