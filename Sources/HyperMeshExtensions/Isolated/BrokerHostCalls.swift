import CHyperMeshABI
import HyperMeshSandbox

/// Answers the host calls of an extension running in a worker process (``WorkerProcess``) with
/// that extension's ``HostContext``: the request names a built-in function (`storage_put`, the
/// field name in `hypermesh_host_api`) or an app function (`app:<name>`, from the worker's
/// `app_call`), and is run through ``HostFunctionCall``, the same admission path as an in-process
/// or wasm call. The worker only forwards; nothing is decided there.
///
/// Arguments are the declaration's parameters as bytes, in order (``HostCallArguments``); a
/// function the host does not know, or the wrong number of arguments (a worker that does not
/// follow the protocol), is answered INVALID_ARGUMENT without being admitted.
public enum BrokerHostCalls {
    /// The handler to give ``WorkerProcess``; it keeps `context` alive as long as it lives.
    public static func handler(for context: HostContext) -> HostCallHandler {
        { request in answer(request, context: context) }
    }

    /// The prefix of an app function's name in a host call.
    static let appPrefix = "app:"

    static func answer(_ request: HostCallRequest, context: HostContext) -> HostCallReply {
        let function: HostFunction
        if request.function.hasPrefix(appPrefix) {
            do throws(HostCallFailure) {
                function = try context.functions.app(String(request.function.dropFirst(appPrefix.count)))
            } catch {
                return HostCallReply(status: error.status, message: error.message)
            }
        } else if let builtIn = context.functions.function(.hypermesh, request.function) {
            function = builtIn
        } else {
            return HostCallReply(status: HYPERMESH_ERR_INVALID_ARGUMENT, message: "unknown host function '\(request.function)'")
        }
        let outcome = withExtendedLifetime(context) {
            HostFunctionCall.run(function, context: context, arguments: request.arguments)
        }
        return HostCallReply(status: outcome.status, output: outcome.output, message: outcome.message)
    }
}
