import HyperMeshManifest

/// One host function, declared once: its name, the capability that guards it, its parameters, its
/// result and its body. The native C table (`hypermesh_host_api`), the wasm imports and an isolated
/// worker's host calls are all derived from these declarations and run them through the one
/// admission path, ``HostFunctionCall/run(_:context:arguments:)``: capability, rate limit,
/// suspension, then the body (which checks its quotas), with the audit records, violations and
/// ``HostCallCounters`` that come with each.
///
/// Arguments travel as byte strings on every transport: a ``Parameter/text(_:allowEmpty:)``
/// is checked as UTF-8 before the body runs, an ``Parameter/int32(_:)`` is 4 bytes little-endian.
/// A body returns its output bytes (ignored unless ``result`` is ``Result/bytes``) or throws a
/// ``HostCallFailure``; any other error is `INTERNAL` with its description.
///
/// Built-in functions live in the `hypermesh` namespace (``HostFunctionSet/builtIn``); an
/// embedding application adds its own with ``app(_:capability:body:)``, in the `app` namespace.
public struct HostFunction: Sendable {
    /// Where a function lives: the host's own functions, or an embedding application's.
    public enum Namespace: String, Sendable, Hashable {
        /// The built-in functions: fixed slots of the C table, the wasm module `hypermesh`.
        case hypermesh
        /// An application's functions: `app_call` in the C table, the wasm module `app`.
        case app
    }

    /// One parameter, by kind. The name appears in error messages.
    public enum Parameter: Sendable, Hashable {
        /// UTF-8 text; empty is `INVALID_ARGUMENT` unless `allowEmpty`.
        case text(String, allowEmpty: Bool = false)
        /// Raw bytes (may be empty).
        case bytes(String)
        /// A 32-bit integer (a wasm `i32`, 4 bytes little-endian elsewhere).
        case int32(String)

        public var name: String {
            switch self {
            case .text(let name, _), .bytes(let name), .int32(let name): name
            }
        }
    }

    /// What a function gives back.
    public enum Result: Sendable, Hashable {
        /// Nothing, not even a status: the call never fails as seen by the caller (`log`).
        case none
        /// A status only.
        case status
        /// A status and, on success, output bytes.
        case bytes
    }

    /// The body: runs after admission with the call's checked arguments.
    public typealias Body = @Sendable (HostCall) throws -> [UInt8]

    public let namespace: Namespace
    /// The name in its namespace (`storage_get`, or an app's `notify`).
    public let name: String
    /// The capability the caller's grant must hold; `nil` only for `log`, which is admitted by
    /// the rate limit alone and drops lines it may not write.
    public let capability: Capability?
    public let parameters: [Parameter]
    public let result: Result
    /// Whether wasm guests may import it (all but `vm_execute`, whose budget and fuel cell have
    /// no wasm form).
    let offeredToWasm: Bool
    let body: Body

    /// A built-in function (the `hypermesh` namespace). Embedders use ``app(_:capability:body:)``.
    init(_ name: String, capability: Capability?, parameters: [Parameter], result: Result, offeredToWasm: Bool = true,
         body: @escaping Body) {
        self.namespace = .hypermesh
        self.offeredToWasm = offeredToWasm
        self.name = name
        self.capability = capability
        self.parameters = parameters
        self.result = result
        self.body = body
    }

    private init(app name: String, capability: Capability, body: @escaping Body) {
        self.namespace = .app
        self.offeredToWasm = true
        self.name = name
        self.capability = capability
        self.parameters = [.bytes("input")]
        self.result = .bytes
        self.body = body
    }

    /// An application function `name`: it takes one byte string (the input, JSON by convention)
    /// and returns one (the output). The caller's manifest must declare `capability` (default
    /// `app:<name>`, which must be an app capability) and the operator's policy must grant it.
    ///
    /// - Throws: ``HostFunctionDeclarationError`` if `name` is not a valid app name
    ///   (``Capability/isValidAppName(_:)``) or `capability` is a built-in capability.
    public static func app(
        _ name: String, capability: Capability? = nil, body: @escaping @Sendable (HostCall) throws -> [UInt8]
    ) throws(HostFunctionDeclarationError) -> HostFunction {
        guard Capability.isValidAppName(name), let own = Capability.app(name) else {
            throw HostFunctionDeclarationError(name: name, "'\(name)' is not a valid app function name (a-z, 0-9, '_', '-', '.', starting with a letter, at most 64)")
        }
        let required = capability ?? own
        guard required.appName != nil else {
            throw HostFunctionDeclarationError(name: name, "app function '\(name)' must be guarded by an app:<name> capability, not the built-in '\(required.rawValue)'")
        }
        return HostFunction(app: name, capability: required, body: body)
    }

    /// The name with its namespace, as audit records and messages show it: `hypermesh.storage_get`, `app.notify`.
    public var qualifiedName: String { "\(namespace.rawValue).\(name)" }
}

/// A ``HostFunction`` or ``HostFunctionSet`` that cannot be declared: a name that is not valid, a
/// built-in capability on an app function, two functions with one name. Names the function.
public struct HostFunctionDeclarationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let name: String
    public let message: String

    init(name: String, _ message: String) {
        self.name = name
        self.message = message
    }

    public var description: String { message }
}
