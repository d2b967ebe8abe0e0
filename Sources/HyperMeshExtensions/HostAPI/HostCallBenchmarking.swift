import CHyperMeshABI
import HyperMeshManifest
import HyperMeshSecurity
import HyperMeshState
import Logging

/// A seam for the benchmarks (not for hosts): one host function entry run through the broker
/// with every check of the security context, and the same entry with the checks left out, over a
/// context granted `events`, so that the cost of the checks can be measured against its floor.
@_spi(Benchmarks)
public final class HostCallBenchmarking: Sendable {
    let context: HostContext
    let handle: UnsafeSendableHandle

    struct UnsafeSendableHandle: @unchecked Sendable { let pointer: OpaquePointer }

    /// A context for `org.bench.host` over `store`, granted `events`, at `operationsPerSecond`.
    public init(store: StateStore, operationsPerSecond: UInt32 = .max) {
        let logger = Logger(label: "bench")
        let security = SecurityContext(
            extensionID: "org.bench.host", signer: nil, grant: .everythingDeclared([.events]),
            quotas: Quotas(operationsPerSecond: operationsPerSecond), networkHosts: [], anomaly: .standard, violations: .standard,
            audit: .none(logger: logger), events: EventBus(), logger: logger)
        context = HostContext(security: security, storage: store.storage(for: "org.bench.host"),
                              filesDirectory: store.directory.appendingPathComponent("files"), events: EventBus(),
                              assets: AssetManager(), logger: logger)
        handle = UnsafeSendableHandle(pointer: HostAPIBroker.handle(for: context))
    }

    /// A host function with an empty body, through ``HostFunctionCall/run(_:context:arguments:)``:
    /// context look-up, call counter, suspension, capability and rate checks.
    @inline(never)
    public func checkedCall() -> Int32 {
        guard let host = HostAPIBroker.context(handle.pointer) else { return HYPERMESH_ERR_INVALID_ARGUMENT }
        return HostFunctionCall.run(Self.empty, context: host, arguments: []).status
    }

    private static let empty = HostFunction("bench_empty", capability: .events, parameters: [], result: .status) { _ in [] }

    /// The same entry without the security context: context look-up, call counter, body.
    @inline(never)
    public func uncheckedCall() -> Int32 {
        guard let host = HostAPIBroker.context(handle.pointer) else { return HYPERMESH_ERR_INVALID_ARGUMENT }
        host.counters.recordCall()
        return HYPERMESH_OK
    }
}
