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

    /// A context for `org.bench.host` over `store`, granted `events` (and `networkAccess` to
    /// `networkHosts` when there are any, through `outboundHTTP`), at `operationsPerSecond`.
    public init(store: StateStore, operationsPerSecond: UInt32 = .max, networkHosts: [String] = [],
                outboundHTTP: OutboundHTTPClient = .systemRootsOnly) {
        let logger = Logger(label: "bench")
        let security = SecurityContext(
            extensionID: "org.bench.host", signer: nil,
            grant: .everythingDeclared(networkHosts.isEmpty ? [.events] : [.events, .networkAccess]),
            quotas: Quotas(operationsPerSecond: operationsPerSecond), networkHosts: networkHosts, anomaly: .standard, violations: .standard,
            audit: .none(logger: logger), events: EventBus(), logger: logger)
        context = HostContext(security: security, storage: store.storage(for: "org.bench.host"),
                              filesDirectory: store.directory.appendingPathComponent("files"), events: EventBus(),
                              assets: AssetManager(), logger: logger, outboundHTTP: outboundHTTP)
        handle = UnsafeSendableHandle(pointer: HostAPIBroker.handle(for: context))
    }

    /// The `http_request` host function with all its checks, as an extension calls it (the JSON
    /// request in, the JSON answer out). Blocks the calling thread until the answer.
    public func httpRequest(_ request: [UInt8]) throws -> [UInt8] {
        guard let host = HostAPIBroker.context(handle.pointer) else { throw HostCallFailure.invalidArgument("no context") }
        let call = HostFunctionCall.run(Self.httpRequest, context: host, arguments: [request])
        guard call.status == HYPERMESH_OK else { throw HostCallFailure(call.status, call.message ?? "http_request failed") }
        return call.output
    }

    /// A host function with an empty body, through ``HostFunctionCall/run(_:context:arguments:)``:
    /// context look-up, call counter, suspension, capability and rate checks.
    @inline(never)
    public func checkedCall() -> Int32 {
        guard let host = HostAPIBroker.context(handle.pointer) else { return HYPERMESH_ERR_INVALID_ARGUMENT }
        return HostFunctionCall.run(Self.empty, context: host, arguments: []).status
    }

    private static let httpRequest = HostFunctionSet.http.functions[0]

    private static let empty = HostFunction("bench_empty", capability: .events, parameters: [], result: .status) { _ in [] }

    /// The same entry without the security context: context look-up, call counter, body.
    @inline(never)
    public func uncheckedCall() -> Int32 {
        guard let host = HostAPIBroker.context(handle.pointer) else { return HYPERMESH_ERR_INVALID_ARGUMENT }
        host.counters.recordCall()
        return HYPERMESH_OK
    }
}
