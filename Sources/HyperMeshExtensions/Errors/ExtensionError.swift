import HyperMeshErrors

/// A failure of the runtime about one extension: a stable code (with its category), the extension
/// it concerns, a message that says what happened and how to fix it, and the underlying error.
///
/// Leaf errors (``TrustError``, `StateError`, `WasmError`…) are not re-coded into an
/// `ExtensionError`: they pass through with their own code. An `ExtensionError` wraps one only to
/// say which extension and which step it concerns, keeping it as ``underlyingError``.
public struct ExtensionError: HyperMeshError, Equatable {
    public let code: ExtensionErrorCode
    /// The extension concerned, when there is one.
    public let extensionID: String?
    public let message: String
    private let storedCause: HyperMeshErrorCause?

    /// `cause` is the underlying error's text (a `dlerror` string, the extension's own message…);
    /// nil or empty for none.
    public init(_ code: ExtensionErrorCode, extensionID: String?, _ message: String, cause: String? = nil) {
        self.code = code
        self.extensionID = extensionID
        self.message = message
        self.storedCause = HyperMeshErrorCause(text: cause)
    }

    /// An error caused by `cause`, which stays in the chain with its own code.
    public init(_ code: ExtensionErrorCode, extensionID: String?, _ message: String, cause: any Error & Sendable) {
        self.code = code
        self.extensionID = extensionID
        self.message = message
        self.storedCause = HyperMeshErrorCause(cause)
    }

    public var subject: String? { extensionID }
    public var underlyingError: (any Error & Sendable)? { storedCause?.error }
    /// The underlying error's description, when there is one.
    public var cause: String? { storedCause?.description }
}

/// Stable codes of ``ExtensionError``. The raw values are part of the CLI's JSON output and the
/// node's API: only ever add to them.
public typealias ExtensionErrorCode = HyperMeshErrorCode<ExtensionError>

extension HyperMeshErrorCode where Domain == ExtensionError {
    // Packages and manifests
    public static var invalidManifest: Self { Self("manifest.invalid", .invalidInput) }
    public static var invalidPackage: Self { Self("package.invalid", .invalidInput) }
    /// The package failed signature, chain, validity, code-signing or revocation checks.
    public static var untrustedPackage: Self { Self("package.untrusted", .forbidden) }
    /// A native payload about to be loaded no longer has the SHA-256 that verification saw (it was
    /// replaced in the package folder after verification); nothing of it is loaded.
    public static var payloadChanged: Self { Self("package.payload_changed", .integrity) }
    public static var duplicateExtension: Self { Self("registry.duplicate", .conflict) }
    public static var unknownExtension: Self { Self("registry.unknown_extension", .notFound) }
    // Loading
    public static var libraryOpenFailed: Self { Self("load.dlopen_failed", .invalidInput) }
    public static var symbolMissing: Self { Self("load.symbol_missing", .invalidInput) }
    public static var abiMismatch: Self { Self("load.abi_mismatch", .invalidInput) }
    public static var metadataMismatch: Self { Self("load.metadata_mismatch", .invalidInput) }
    public static var createFailed: Self { Self("load.create_failed", .extensionFailed) }
    public static var unsupportedKind: Self { Self("load.unsupported_kind", .invalidInput) }
    // Lifecycle and dependencies
    public static var illegalTransition: Self { Self("lifecycle.illegal_transition", .conflict) }
    public static var activationFailed: Self { Self("lifecycle.activation_failed", .extensionFailed) }
    public static var deactivationFailed: Self { Self("lifecycle.deactivation_failed", .extensionFailed) }
    /// A hot reload was refused or its canary failed; the running version keeps serving.
    public static var reloadFailed: Self { Self("lifecycle.reload_failed", .extensionFailed) }
    /// `export_state` or `import_state` returned an error during a hot reload.
    public static var stateHandOverFailed: Self { Self("lifecycle.state_handover_failed", .extensionFailed) }
    public static var dependencyResolution: Self { Self("dependency.resolution_failed", .conflict) }
    public static var dependedUpon: Self { Self("dependency.depended_upon", .conflict) }
    // Calls
    public static var notActive: Self { Self("call.not_active", .conflict) }
    public static var methodFailed: Self { Self("call.method_failed", .extensionFailed) }
    public static var invalidOutput: Self { Self("call.invalid_output", .extensionFailed) }
    // Assets
    public static var assetTypeTaken: Self { Self("asset.type_taken", .conflict) }
    public static var noAssetHandler: Self { Self("asset.no_handler", .notFound) }
    // Security
    /// The extension declares capabilities the operator has neither granted nor refused.
    public static var grantPending: Self { Self("security.grant_pending", .conflict) }
    /// The extension is suspended by the security layer; an operator must resume it.
    public static var suspended: Self { Self("security.suspended", .forbidden) }
    /// More calls per second than the extension's operations-per-second quota admits.
    public static var rateLimited: Self { Self("security.rate_limited", .rateLimited) }
    /// A quota the host enforces at admission is spent (e.g. total CPU time).
    public static var quotaExceeded: Self { Self("security.quota_exceeded", .forbidden) }
    /// The operator's policy file cannot be used.
    public static var policyInvalid: Self { Self("security.policy_invalid", .invalidInput) }
    /// A security record could not be written to the audit log, so the act was refused.
    public static var auditFailed: Self { Self("audit.write_failed", .unavailable) }
    /// The host's own configuration cannot be used (e.g. a CA bundle for outbound HTTPS that
    /// cannot be read); the host does not start.
    public static var hostConfigurationInvalid: Self { Self("host.configuration_invalid", .invalidInput) }
    // Isolated workers (docs/isolation.md)
    /// The worker process died (a signal or an exit) or was not running.
    public static var workerCrashed: Self { Self("isolation.worker_crashed", .extensionFailed) }
    /// A call passed its deadline; the worker was killed.
    public static var workerDeadlineExceeded: Self { Self("isolation.deadline_exceeded", .extensionFailed) }
    /// The worker broke the protocol or a system call failed on the host side.
    public static var workerFailed: Self { Self("isolation.worker_failed", .internal) }
    /// A request larger than the worker protocol carries (64 MiB per frame): not sent; the worker goes on.
    public static var requestTooLarge: Self { Self("isolation.request_too_large", .tooLarge) }
    /// A confinement layer the operator requires (policy `requiredLayers`, `requiredIsolationLayers`)
    /// is not engaged on this machine; the extension was not started.
    public static var confinementUnavailable: Self { Self("isolation.confinement_unavailable", .unavailable) }
    // WebAssembly: the same raw values as `WasmErrorCode` (docs/wasm-abi.md explains each); kept
    // for source compatibility. A `WasmError` now passes through with its own code.
    public static var wasmOutOfFuel: Self { Self("wasm.out_of_fuel", .extensionFailed) }
    public static var wasmDeadlineExceeded: Self { Self("wasm.deadline_exceeded", .extensionFailed) }
    public static var wasmMemoryLimit: Self { Self("wasm.memory_limit", .extensionFailed) }
    public static var wasmTableLimit: Self { Self("wasm.table_limit", .extensionFailed) }
    public static var wasmUnreachable: Self { Self("wasm.unreachable", .extensionFailed) }
    public static var wasmOutOfBounds: Self { Self("wasm.out_of_bounds", .extensionFailed) }
    public static var wasmTrap: Self { Self("wasm.trap", .extensionFailed) }
    public static var wasmMalformedModule: Self { Self("wasm.malformed_module", .invalidInput) }
    public static var wasmImportRefused: Self { Self("wasm.import_refused", .invalidInput) }
    public static var wasmMissingExport: Self { Self("wasm.missing_export", .invalidInput) }
    public static var wasmHostError: Self { Self("wasm.host_error", .internal) }
    /// The compiled tier could not translate or compile the module (wasm2c or the C compiler
    /// failed, or its output could not be stored); the extension was not started.
    public static var wasmCompileFailed: Self { Self("wasm.compile_failed", .internal) }
}

extension ExtensionError {
    public static var knownCodes: [ExtensionErrorCode] {
        [
            .invalidManifest, .invalidPackage, .untrustedPackage, .payloadChanged, .duplicateExtension, .unknownExtension,
            .libraryOpenFailed, .symbolMissing, .abiMismatch, .metadataMismatch, .createFailed, .unsupportedKind,
            .illegalTransition, .activationFailed, .deactivationFailed, .reloadFailed, .stateHandOverFailed,
            .dependencyResolution, .dependedUpon, .notActive, .methodFailed, .invalidOutput, .assetTypeTaken,
            .noAssetHandler, .grantPending, .suspended, .rateLimited, .quotaExceeded, .policyInvalid, .auditFailed, .hostConfigurationInvalid,
            .workerCrashed, .workerDeadlineExceeded, .workerFailed, .requestTooLarge, .confinementUnavailable,
            .wasmOutOfFuel, .wasmDeadlineExceeded, .wasmMemoryLimit, .wasmTableLimit, .wasmUnreachable,
            .wasmOutOfBounds, .wasmTrap, .wasmMalformedModule, .wasmImportRefused, .wasmMissingExport, .wasmHostError,
            .wasmCompileFailed,
        ]
    }
}
