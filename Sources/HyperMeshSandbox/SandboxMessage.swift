/// Constants of the host–worker protocol.
public enum SandboxProtocol {
    /// Bumped on every incompatible change; both sides send it in their hello and refuse another.
    public static let version: UInt32 = 4
    /// The largest value of a frame's length field (type byte plus payload): 64 MiB.
    public static let maximumFrameSize: UInt32 = 64 << 20
    /// Bytes before the payload: u32 length, u8 type.
    public static let headerSize = 5
}

/// The library's own description as the worker read it.
public struct WorkerMetadata: Sendable, Equatable {
    public var abiVersion: UInt32
    public var id: String
    public var version: String
    public var name: String?
    /// Whether the instance has the optional `export_state` / `import_state` entries.
    public var exportsState: Bool
    public var importsState: Bool

    public init(abiVersion: UInt32, id: String, version: String, name: String?, exportsState: Bool = false, importsState: Bool = false) {
        self.abiVersion = abiVersion
        self.id = id
        self.version = version
        self.name = name
        self.exportsState = exportsState
        self.importsState = importsState
    }
}

/// A host API call made by the extension in the worker, to be answered by the host's broker.
/// `function` is the field name in `hypermesh_host_api` (`storage_put`...), or `app:<name>` for
/// an app function called through `app_call`; `arguments` are its byte arguments in declaration
/// order (see ``HostCallArguments``; an app function's one argument is its input).
public struct HostCallRequest: Sendable, Equatable {
    public var function: String
    public var arguments: [[UInt8]]

    public init(function: String, arguments: [[UInt8]]) {
        self.function = function
        self.arguments = arguments
    }
}

/// The host's answer to a ``HostCallRequest``: a `hypermesh_status`, output bytes (for functions
/// with an output buffer) and the error message, if any.
public struct HostCallReply: Sendable, Equatable {
    public var status: Int32
    public var output: [UInt8]
    public var message: String?

    public init(status: Int32, output: [UInt8] = [], message: String? = nil) {
        self.status = status
        self.output = output
        self.message = message
    }
}

/// Every message of protocol version 4 (4: a hostCall may name an app function, `app:<name>`,
/// with the one argument `input`; 3: the load frame's limits carry threads, Landlock and
/// the required layers). The host sends hello, load, call, hostResult, activate,
/// deactivate, health, exportState, importState and shutdown; the worker sends hello, loaded,
/// result, hostCall, activated, deactivated, healthReport, stateExported, stateImported and
/// refused. (Version 2 added the state hand-over, refused and the metadata's state flags.)
public enum SandboxMessage: Sendable, Equatable {
    /// The first frame each way: the sender's protocol version and the C ABI version it was built with.
    case hello(protocolVersion: UInt32, abiVersion: UInt32)
    /// Confine, then dlopen `libraryPath` and create the extension `extensionID` at `version`.
    case load(libraryPath: String, extensionID: String, version: String, limits: ConfinementLimits)
    /// The answer to load: status OK with the metadata, or the failure; the confinement report either way.
    case loaded(status: Int32, message: String?, metadata: WorkerMetadata?, confinement: ConfinementReport)
    case call(requestID: UInt64, method: String, input: [UInt8])
    case result(requestID: UInt64, status: Int32, output: [UInt8], message: String?)
    case hostCall(requestID: UInt64, request: HostCallRequest)
    case hostResult(requestID: UInt64, reply: HostCallReply)
    case activate(requestID: UInt64)
    case activated(requestID: UInt64, status: Int32, message: String?)
    case deactivate(requestID: UInt64)
    case deactivated(requestID: UInt64, status: Int32, message: String?)
    case health(requestID: UInt64)
    /// The extension's health JSON, nil when it has no health entry or it failed.
    case healthReport(requestID: UInt64, report: [UInt8]?)
    /// Destroy the instance and exit 0.
    case shutdown
    /// Sent by the worker before the answer to a request: what the sandbox refused while serving
    /// it (system calls the seccomp filter trapped, by name; the descriptor table full).
    case refused(requestID: UInt64, events: [String])
    /// Call the instance's `export_state`.
    case exportState(requestID: UInt64)
    case stateExported(requestID: UInt64, status: Int32, state: [UInt8], message: String?)
    /// Call the instance's `import_state` with `state`.
    case importState(requestID: UInt64, state: [UInt8])
    case stateImported(requestID: UInt64, status: Int32, message: String?)

    /// The type byte of each message.
    public enum Kind: UInt8, Sendable, CaseIterable {
        case hello = 1, load, loaded, call, result, hostCall, hostResult
        case activate, activated, deactivate, deactivated, health, healthReport, shutdown
        case refused, exportState, stateExported, importState, stateImported

        /// The message's name in errors. A switch over literals: decoding names every frame, and
        /// `"\(kind)"` would describe the case by reflection each time.
        public var name: String {
            switch self {
            case .hello: "hello"
            case .load: "load"
            case .loaded: "loaded"
            case .call: "call"
            case .result: "result"
            case .hostCall: "hostCall"
            case .hostResult: "hostResult"
            case .activate: "activate"
            case .activated: "activated"
            case .deactivate: "deactivate"
            case .deactivated: "deactivated"
            case .health: "health"
            case .healthReport: "healthReport"
            case .shutdown: "shutdown"
            case .refused: "refused"
            case .exportState: "exportState"
            case .stateExported: "stateExported"
            case .importState: "importState"
            case .stateImported: "stateImported"
            }
        }
    }

    public var kind: Kind {
        switch self {
        case .hello: .hello
        case .load: .load
        case .loaded: .loaded
        case .call: .call
        case .result: .result
        case .hostCall: .hostCall
        case .hostResult: .hostResult
        case .activate: .activate
        case .activated: .activated
        case .deactivate: .deactivate
        case .deactivated: .deactivated
        case .health: .health
        case .healthReport: .healthReport
        case .shutdown: .shutdown
        case .refused: .refused
        case .exportState: .exportState
        case .stateExported: .stateExported
        case .importState: .importState
        case .stateImported: .stateImported
        }
    }
}
