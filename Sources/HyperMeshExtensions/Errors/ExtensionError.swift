/// A failure of the runtime about one extension: a stable code, the extension it concerns, a
/// message that says what happened and how to fix it, and the underlying cause.
public struct ExtensionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: ExtensionErrorCode
    /// The extension concerned, when there is one.
    public let extensionID: String?
    public let message: String
    /// The underlying error (a `dlerror` string, a manifest error, the extension's own message…).
    public let cause: String?

    public init(_ code: ExtensionErrorCode, extensionID: String?, _ message: String, cause: String? = nil) {
        self.code = code
        self.extensionID = extensionID
        self.message = message
        self.cause = cause
    }

    public var description: String {
        var text = "[\(code.rawValue)]"
        if let extensionID { text += " \(extensionID):" }
        text += " \(message)"
        if let cause, !cause.isEmpty { text += " (cause: \(cause))" }
        return text
    }
}

/// Stable error codes. The raw values are part of the CLI's JSON output: only ever add to them.
public enum ExtensionErrorCode: String, Sendable, Equatable, CaseIterable {
    // Packages and manifests
    case invalidManifest = "manifest.invalid"
    case invalidPackage = "package.invalid"
    /// The package failed signature, chain, validity, code-signing or revocation checks.
    case untrustedPackage = "package.untrusted"
    /// A native payload about to be loaded no longer has the SHA-256 that verification saw (it was
    /// replaced in the package folder after verification); nothing of it is loaded.
    case payloadChanged = "package.payload_changed"
    case duplicateExtension = "registry.duplicate"
    case unknownExtension = "registry.unknown_extension"
    // Loading
    case libraryOpenFailed = "load.dlopen_failed"
    case symbolMissing = "load.symbol_missing"
    case abiMismatch = "load.abi_mismatch"
    case metadataMismatch = "load.metadata_mismatch"
    case createFailed = "load.create_failed"
    case unsupportedKind = "load.unsupported_kind"
    // Lifecycle and dependencies
    case illegalTransition = "lifecycle.illegal_transition"
    case activationFailed = "lifecycle.activation_failed"
    case deactivationFailed = "lifecycle.deactivation_failed"
    /// A hot reload was refused or its canary failed; the running version keeps serving.
    case reloadFailed = "lifecycle.reload_failed"
    /// `export_state` or `import_state` returned an error during a hot reload.
    case stateHandOverFailed = "lifecycle.state_handover_failed"
    case dependencyResolution = "dependency.resolution_failed"
    case dependedUpon = "dependency.depended_upon"
    // Calls
    case notActive = "call.not_active"
    case methodFailed = "call.method_failed"
    case invalidOutput = "call.invalid_output"
    // Assets
    case assetTypeTaken = "asset.type_taken"
    case noAssetHandler = "asset.no_handler"
    // Security
    /// The extension declares capabilities the operator has neither granted nor refused.
    case grantPending = "security.grant_pending"
    /// The extension is suspended by the security layer; an operator must resume it.
    case suspended = "security.suspended"
    /// More calls per second than the extension's operations-per-second quota admits.
    case rateLimited = "security.rate_limited"
    /// A quota the host enforces at admission is spent (e.g. total CPU time).
    case quotaExceeded = "security.quota_exceeded"
    /// The operator's policy file cannot be used.
    case policyInvalid = "security.policy_invalid"
    /// A security record could not be written to the audit log, so the act was refused.
    case auditFailed = "audit.write_failed"
    // Isolated workers (docs/isolation.md)
    /// The worker process died (a signal or an exit) or was not running.
    case workerCrashed = "isolation.worker_crashed"
    /// A call passed its deadline; the worker was killed.
    case workerDeadlineExceeded = "isolation.deadline_exceeded"
    /// The worker broke the protocol or a system call failed on the host side.
    case workerFailed = "isolation.worker_failed"
    /// A request larger than the worker protocol carries (64 MiB per frame): not sent; the worker goes on.
    case requestTooLarge = "isolation.request_too_large"
    /// A confinement layer the operator requires (policy `requiredLayers`, `requiredIsolationLayers`)
    /// is not engaged on this machine; the extension was not started.
    case confinementUnavailable = "isolation.confinement_unavailable"
    // WebAssembly (the codes of `WasmErrorCode`; docs/wasm-abi.md explains each)
    case wasmOutOfFuel = "wasm.out_of_fuel"
    case wasmDeadlineExceeded = "wasm.deadline_exceeded"
    case wasmMemoryLimit = "wasm.memory_limit"
    case wasmTableLimit = "wasm.table_limit"
    case wasmUnreachable = "wasm.unreachable"
    case wasmOutOfBounds = "wasm.out_of_bounds"
    case wasmTrap = "wasm.trap"
    case wasmMalformedModule = "wasm.malformed_module"
    case wasmImportRefused = "wasm.import_refused"
    case wasmMissingExport = "wasm.missing_export"
    case wasmHostError = "wasm.host_error"
}
