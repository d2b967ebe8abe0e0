/// A named group of ``HostFunction``s a host offers: the built-in sets (``builtIn``: logging,
/// storage, files, HTTP, events, assets, VM execution, and consensus answering UNAVAILABLE), the
/// consensus set a node adds (`HyperMeshConsensusFunctions`), and an application's own functions.
///
/// Sets are given to `ExtensionRegistry(hostFunctions:)`; each extension's ``HostContext`` gets
/// the built-in sets followed by those. When two offered functions share a namespace and a name,
/// the later one replaces the earlier: that is how the consensus set replaces the built-in
/// `consensus_submit` that answers UNAVAILABLE. Not guaranteed: that a replacement keeps the
/// built-in's capability, parameters and result (a C extension relies on them: keep them).
public struct HostFunctionSet: Sendable {
    /// A name for messages and documentation (`storage`, `app`, `consensus`).
    public let name: String
    public let functions: [HostFunction]

    public init(name: String, functions: [HostFunction]) {
        self.name = name
        self.functions = functions
    }

    /// The host's own sets, in the order of the C table's fixed slots.
    public static let builtIn: [HostFunctionSet] = [logging, storage, assets, events, files, http, consensusUnavailable, vmExecution]
}
