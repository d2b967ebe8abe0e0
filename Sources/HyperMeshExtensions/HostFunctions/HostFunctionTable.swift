import CHyperMeshABI
import HyperMeshManifest

/// The functions one extension's ``HostContext`` offers: the built-in sets, then the host's extra
/// sets (a consensus service, an application's functions), a later declaration replacing an
/// earlier one of the same namespace and name. Immutable after creation.
///
/// Built-in functions keep their positions (``BuiltInSlot``), so the C table's trampolines
/// find theirs without hashing; app functions are found by name.
final class HostFunctionTable: Sendable {
    /// Every offered function: the built-ins first, at their slots, then the app functions.
    let functions: [HostFunction]
    private let indexes: [Key: Int]

    struct Key: Hashable {
        let namespace: HostFunction.Namespace
        let name: String
    }

    /// The built-in functions alone (no consensus service, no app functions).
    static let builtIn = HostFunctionTable(extra: [])

    init(extra sets: [HostFunctionSet]) {
        var functions: [HostFunction] = []
        var indexes: [Key: Int] = [:]
        for function in (HostFunctionSet.builtIn + sets).flatMap(\.functions) {
            let key = Key(namespace: function.namespace, name: function.name)
            if let index = indexes[key] {
                functions[index] = function
            } else {
                indexes[key] = functions.count
                functions.append(function)
            }
        }
        self.functions = functions
        self.indexes = indexes
    }

    /// The function `name` of `namespace`, if offered.
    func function(_ namespace: HostFunction.Namespace, _ name: String) -> HostFunction? {
        indexes[Key(namespace: namespace, name: name)].map { functions[$0] }
    }

    /// The position of `name` of `namespace`, if offered (for transports that resolve once).
    func index(_ namespace: HostFunction.Namespace, _ name: String) -> Int? {
        indexes[Key(namespace: namespace, name: name)]
    }

    /// The app function `name` as a call to it must be admitted: the offered one, or, for a valid
    /// name the host does not offer, one guarded by `app:<name>` that answers UNAVAILABLE (so an
    /// undeclared or ungranted name is still a refusal, audited). A name that is not a valid app
    /// name is `INVALID_ARGUMENT`.
    func app(_ name: String) throws(HostCallFailure) -> HostFunction {
        if let offered = function(.app, name) { return offered }
        guard Capability.isValidAppName(name),
              let missing = try? HostFunction.app(name, body: { _ in
                  throw HostCallFailure(HYPERMESH_ERR_UNAVAILABLE, "this host offers no app function '\(name)'")
              }) else {
            throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT,
                                  "'\(name)' is not a valid app function name (a-z, 0-9, '_', '-', '.', starting with a letter, at most 64)")
        }
        return missing
    }

    /// The built-in function at `slot`.
    subscript(slot: BuiltInSlot) -> HostFunction { functions[slot.index] }

    /// The app functions offered, by name.
    var appFunctionNames: [String] { functions.filter { $0.namespace == .app }.map(\.name).sorted() }
}

/// The position of a built-in function in every ``HostFunctionTable``: the order of
/// ``HostFunctionSet/builtIn``. Used by the C table's trampolines, one per fixed slot.
struct BuiltInSlot: Sendable {
    let index: Int

    private init(_ name: String) {
        guard let index = HostFunctionSet.builtIn.flatMap(\.functions).firstIndex(where: { $0.name == name }) else {
            fatalError("no built-in host function '\(name)'")
        }
        self.index = index
    }

    static let log = BuiltInSlot("log")
    static let storageGet = BuiltInSlot("storage_get")
    static let storagePut = BuiltInSlot("storage_put")
    static let storageDelete = BuiltInSlot("storage_delete")
    static let storageList = BuiltInSlot("storage_list")
    static let storageApply = BuiltInSlot("storage_apply")
    static let registerAssetType = BuiltInSlot("register_asset_type")
    static let emitEvent = BuiltInSlot("emit_event")
    static let fileRead = BuiltInSlot("file_read")
    static let fileWrite = BuiltInSlot("file_write")
    static let fileList = BuiltInSlot("file_list")
    static let httpRequest = BuiltInSlot("http_request")
    static let consensusSubmit = BuiltInSlot("consensus_submit")
    static let vmExecute = BuiltInSlot("vm_execute")
}
