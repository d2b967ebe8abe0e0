import CHyperMeshABI
import Foundation
import HyperMeshManifest
import HyperMeshSandbox

/// A native extension running in its own `hypermesh-sandbox` worker process (``WorkerProcess``):
/// the library is mapped there, after the worker confined itself; its host calls come back to
/// ``BrokerHostCalls`` and the host's broker, with this extension's ``HostContext``.
///
/// A worker that dies (a signal, an exit) or passes a call's deadline (killed with SIGKILL) fails
/// the call with `isolation.worker_crashed` or `isolation.deadline_exceeded`, naming the signal and
/// the call; `onWorkerEnded` then tells the registry, which marks the extension `failed` with that
/// cause. The host process is not touched.
///
/// Calls are serialized by the worker (one request at a time).
///
/// What an isolated instance calls when its worker ended: which instance (so that the end of a
/// reload's candidate never fails the version that serves) and the cause.
typealias WorkerEndedHandler = @Sendable (_ instance: ObjectIdentifier, _ cause: String) -> Void

final class IsolatedInstance: ExtensionRuntime, Sendable {
    let context: HostContext
    let worker: WorkerProcess
    private let onWorkerEnded: WorkerEndedHandler
    /// Whether the library is a compiled wasm module (``CompiledWasmImage``): its traps come back
    /// as ``CompiledWasmTrap/status`` and become typed `wasm.*` errors and `wasm_trap` violations.
    let compiledWasm: Bool

    init(libraryPath: String, manifest: Manifest, context: HostContext, quotas: Quotas, compiledWasm: Bool = false,
         onWorkerEnded: @escaping WorkerEndedHandler) throws(ExtensionError) {
        self.context = context
        self.onWorkerEnded = onWorkerEnded
        self.compiledWasm = compiledWasm
        let isolation = context.workerIsolation
        let configuration = WorkerConfiguration(
            libraryPath: libraryPath, extensionID: manifest.id, version: manifest.version.description,
            limits: isolation.limits(for: quotas), callDeadline: Self.callDeadline(for: quotas),
            namespaces: isolation.switches.namespaces, workerUser: isolation.workerUser)
        do throws(WorkerError) {
            worker = try WorkerProcess(configuration, hostCalls: BrokerHostCalls.handler(for: context),
                                       refusals: Self.refusalHandler(for: context))
        } catch {
            if compiledWasm, case .loadFailed(let status, let message, _) = error, status == CompiledWasmTrap.status {
                throw CompiledWasmTrap.error(message: message, during: "instantiation", context: context)
            }
            if case .confinementUnavailable(let layer, let reason) = error {
                throw ExtensionError(.confinementUnavailable, extensionID: manifest.id,
                                     "the operator requires the '\(layer)' confinement layer, which is not engaged here: \(reason); the extension was not started",
                                     cause: error)
            }
            throw ExtensionError(.createFailed, extensionID: manifest.id, "the isolated worker did not start", cause: error)
        }
    }

    /// What the worker applies to itself with the default isolation settings (see
    /// ``WorkerIsolation/limits(for:)``).
    static func limits(for quotas: Quotas) -> ConfinementLimits {
        WorkerIsolation().limits(for: quotas)
    }

    /// 10 × the CPU quota per call (default 1,000 ms), at least 1 s, like a wasm call's deadline.
    static func callDeadline(for quotas: Quotas) -> Duration {
        .milliseconds(Int64(clamping: callDeadlineMilliseconds(for: quotas)))
    }

    /// The deadline in milliseconds, saturating (a quota near 2^64 means "practically none").
    static func callDeadlineMilliseconds(for quotas: Quotas) -> UInt64 {
        let (tenfold, overflow) = (quotas.cpuMillisecondsPerCall ?? 1_000).multipliedReportingOverflow(by: 10)
        return max(1_000, overflow ? .max : tenfold)
    }

    /// Each refusal the worker reports becomes a `sandbox_refused` violation of the extension:
    /// audited, counted toward its suspension threshold.
    static func refusalHandler(for context: HostContext) -> RefusalHandler {
        { [weak context] events, during in
            guard let context else { return }
            for event in events {
                _ = context.security.violation(.sandboxRefused, status: HYPERMESH_ERR_PERMISSION_DENIED,
                                               "the sandbox refused \(event) during \(during)", details: ["refused": event, "during": during])
            }
        }
    }

    var extensionID: String { context.extensionID }

    /// The worker's CPU clock: a call's CPU is what the worker used while it served it.
    var processCPUClock: ProcessCPUClock? { worker.cpuClock }

    /// What the worker applied to itself, step by step (for `ext inspect`).
    var confinement: ConfinementReport { worker.confinement }

    func call<Result>(method: String, input: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> Result) throws(ExtensionError) -> Result {
        let reply = try answer("call \(method)") { () throws(WorkerError) in try worker.call(method: method, input: input) }
        guard reply.status == HYPERMESH_OK else {
            throw trapError(reply, "call '\(method)'")
                ?? ExtensionError(.methodFailed, extensionID: extensionID, "method '\(method)' failed with \(StatusName.of(reply.status))", cause: reply.message)
        }
        return reply.output.withUnsafeBufferPointer(body)
    }

    func activate() throws(ExtensionError) {
        let reply = try answer("activate") { () throws(WorkerError) in try worker.activate() }
        guard reply.status == HYPERMESH_OK else {
            throw trapError(reply, "activate") ?? ExtensionError(.activationFailed, extensionID: extensionID, "activate failed with \(StatusName.of(reply.status))", cause: reply.message)
        }
    }

    func deactivate() throws(ExtensionError) {
        let reply = try answer("deactivate") { () throws(WorkerError) in try worker.deactivate() }
        guard reply.status == HYPERMESH_OK else {
            throw trapError(reply, "deactivate") ?? ExtensionError(.deactivationFailed, extensionID: extensionID, "deactivate failed with \(StatusName.of(reply.status))", cause: reply.message)
        }
    }

    func reportedHealth() throws(ExtensionError) -> [UInt8]? {
        try answer("health") { () throws(WorkerError) in try worker.health() }
    }

    func destroy() {
        worker.shutdown()
    }

    var stateHandOver: StateHandOverEntries {
        StateHandOverEntries(exports: worker.metadata.exportsState, imports: worker.metadata.importsState)
    }

    func exportState() throws(ExtensionError) -> [UInt8] {
        let reply = try answer("export_state") { () throws(WorkerError) in try worker.exportState() }
        guard reply.status == HYPERMESH_OK else {
            throw trapError(reply, "export_state") ?? ExtensionError(.stateHandOverFailed, extensionID: extensionID, "export_state failed with \(StatusName.of(reply.status))", cause: reply.message)
        }
        return reply.output
    }

    func importState(_ state: [UInt8]) throws(ExtensionError) {
        let reply = try answer("import_state") { () throws(WorkerError) in try worker.importState(state) }
        guard reply.status == HYPERMESH_OK else {
            throw trapError(reply, "import_state") ?? ExtensionError(.stateHandOverFailed, extensionID: extensionID, "import_state failed with \(StatusName.of(reply.status))", cause: reply.message)
        }
    }

    /// The typed error of a compiled wasm module's trap (and its violation), or nil for any other reply.
    private func trapError(_ reply: WorkerReply, _ what: String) -> ExtensionError? {
        guard compiledWasm, reply.status == CompiledWasmTrap.status else { return nil }
        return CompiledWasmTrap.error(message: reply.message, during: what, context: context)
    }

    private func answer<Reply>(_ what: @autoclosure () -> String, _ body: () throws(WorkerError) -> Reply) throws(ExtensionError) -> Reply {
        do throws(WorkerError) {
            return try body()
        } catch .requestTooLarge(let error) {
            throw ExtensionError(.requestTooLarge, extensionID: extensionID, "the request for \(what()) is larger than an isolated worker accepts; the worker goes on",
                                 cause: error.description)
        } catch {
            let code: ExtensionErrorCode
            switch error {
            case .deadlineExceeded: code = .workerDeadlineExceeded
            case .crashed, .notRunning: code = .workerCrashed
            default: code = .workerFailed
            }
            let failure = ExtensionError(code, extensionID: extensionID, "the isolated worker failed during \(what())", cause: error)
            // Also for `.notRunning`: the registry ignores an end it already heard of (the
            // extension is no longer active), and a worker that died between requests is heard of here.
            onWorkerEnded(ObjectIdentifier(self), failure.description)
            throw failure
        }
    }
}
