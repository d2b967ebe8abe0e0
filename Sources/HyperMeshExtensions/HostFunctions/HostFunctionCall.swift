import CHyperMeshABI
import HyperMeshState

/// The one admission path of every host function call, whichever transport carried it (the C
/// table, a wasm import, an isolated worker's host call):
///
/// 1. the number of arguments must match the declaration (else `INVALID_ARGUMENT`, not counted:
///    only a transport that breaks its own protocol sends another number);
/// 2. the call is counted in the caller's ``HostCallCounters``;
/// 3. the caller's ``SecurityContext`` admits it: suspension, capability, rate limit (a refusal
///    is audited, counted as a violation and as a denial). `log` is admitted by the rate alone
///    and drops its line when refused;
/// 4. text arguments are checked as UTF-8 (and not empty unless allowed), `int32` as 4 bytes;
/// 5. the body runs; a refusal inside it (path escape, host off the allowlist, quota) is a
///    violation recorded there and counted here as a denial.
enum HostFunctionCall {
    /// What a call answers: a status, the output (empty unless OK), the message (on failure).
    struct Outcome: Sendable {
        var status: hypermesh_status
        var output: [UInt8]
        var message: String?

        static let ok = Outcome(status: HYPERMESH_OK, output: [], message: nil)

        init(status: hypermesh_status, output: [UInt8] = [], message: String? = nil) {
            self.status = status
            self.output = output
            self.message = message
        }

        init(_ failure: HostCallFailure) {
            self.init(status: failure.status, message: failure.message)
        }
    }

    static func run(_ function: HostFunction, context: HostContext, arguments: [[UInt8]]) -> Outcome {
        guard let tracer = context.tracing.tracer else { return admitAndExecute(function, context: context, arguments: arguments) }
        return CallTracing.traceHostFunction(tracer, extensionID: context.extensionID, name: function.qualifiedName) {
            admitAndExecute(function, context: context, arguments: arguments)
        }
    }

    private static func admitAndExecute(_ function: HostFunction, context: HostContext, arguments: [[UInt8]]) -> Outcome {
        guard arguments.count == function.parameters.count else {
            return Outcome(status: HYPERMESH_ERR_INVALID_ARGUMENT,
                           message: "host function \(function.qualifiedName) takes \(function.parameters.count) arguments, \(arguments.count) were sent")
        }
        let counters = context.counters
        counters.recordCall()
        guard let capability = function.capability else {
            guard context.security.admitLogLine() else {
                counters.recordDenial()
                return .ok
            }
            return execute(function, context: context, arguments: arguments)
        }
        if let refusal = context.security.admitHostOperation(capability) {
            counters.recordDenial()
            return Outcome(refusal)
        }
        return execute(function, context: context, arguments: arguments)
    }

    private static func execute(_ function: HostFunction, context: HostContext, arguments: [[UInt8]]) -> Outcome {
        do {
            try check(arguments, of: function)
            let output = try function.body(HostCall(context: context, arguments: arguments))
            return Outcome(status: HYPERMESH_OK, output: function.result == .bytes ? output : [])
        } catch let failure as HostCallFailure {
            if failure.isRefusal { context.counters.recordDenial() }
            return Outcome(failure)
        } catch let failure as StateError {
            let status = switch failure.code {
            case .unavailable: HYPERMESH_ERR_UNAVAILABLE
            case .quotaExceeded: HYPERMESH_ERR_QUOTA_EXCEEDED
            default: HYPERMESH_ERR_INVALID_ARGUMENT
            }
            if failure.code == .quotaExceeded { context.counters.recordDenial() }
            return Outcome(status: status, message: failure.description)
        } catch {
            return Outcome(status: HYPERMESH_ERR_INTERNAL, message: "\(function.qualifiedName) failed: \(error)")
        }
    }

    private static func check(_ arguments: [[UInt8]], of function: HostFunction) throws(HostCallFailure) {
        for (index, parameter) in function.parameters.enumerated() {
            switch parameter {
            case .bytes: continue
            case .int32(let name):
                guard arguments[index].count == 4 else {
                    throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "\(name) is not 4 bytes")
                }
            case .text(let name, let allowEmpty):
                let bytes = arguments[index]
                guard String(validating: bytes, as: UTF8.self) != nil else {
                    throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "\(name) is not valid UTF-8")
                }
                if bytes.isEmpty && !allowEmpty {
                    throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "\(name) is empty")
                }
            }
        }
    }
}
