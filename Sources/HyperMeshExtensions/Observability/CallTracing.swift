import CHyperMeshABI
import Tracing

/// Spans for the work an extension causes, with swift-distributed-tracing: one span per call into
/// an extension (`hypermesh.call`), and under it one per host function it calls
/// (`hypermesh.host_function`), each with attributes:
///
/// | attribute | on | value |
/// | --- | --- | --- |
/// | `hypermesh.extension.id` | both | the extension |
/// | `hypermesh.call.method` | call | the method |
/// | `hypermesh.host_function` | host function | its qualified name, e.g. `hypermesh.http_request` |
/// | `hypermesh.outcome` | both | `ok` or `error` |
/// | `hypermesh.error.code` | both, on error | the error's code (`security.quota_exceeded`) or the host status (`QUOTA_EXCEEDED`) |
///
/// A span's parent is the caller's `ServiceContext` (a node request's span, an app's own span), so
/// the tree reads request → call → host function → the outbound HTTP request's span (which
/// AsyncHTTPClient makes, carrying the context on as a W3C `traceparent` with an OpenTelemetry
/// tracer).
///
/// Cost: with no tracer (none given and none bootstrapped when the host started), ``tracer`` is nil
/// and a call pays one nil check. Not traced: the host calls of an isolated worker, which are
/// answered on the broker's thread outside the call's task (they carry no parent context).
struct CallTracing: Sendable {
    /// nil: tracing is off.
    let tracer: (any Tracer)?

    /// `tracer`, or the process's bootstrapped tracer when it is not the no-op one.
    init(tracer: (any Tracer)?) {
        if let tracer {
            self.tracer = tracer
        } else {
            let bootstrapped = InstrumentationSystem.tracer
            self.tracer = bootstrapped is NoOpTracer ? nil : bootstrapped
        }
    }

    static let off = CallTracing(explicit: nil)

    private init(explicit tracer: (any Tracer)?) {
        self.tracer = tracer
    }

    /// Runs `operation` inside a `hypermesh.call` span for `method` of `extensionID`.
    static func traceCall(
        _ tracer: any Tracer, extensionID: String, method: String,
        _ operation: () async throws(ExtensionError) -> [UInt8]
    ) async throws(ExtensionError) -> [UInt8] {
        let span = tracer.startSpan("hypermesh.call", context: ServiceContext.current ?? .topLevel, ofKind: .internal)
        span.attributes["hypermesh.extension.id"] = extensionID
        span.attributes["hypermesh.call.method"] = method
        let outcome: Result<[UInt8], ExtensionError> = await ServiceContext.withValue(span.context) {
            do throws(ExtensionError) {
                return .success(try await operation())
            } catch {
                return .failure(error)
            }
        }
        finish(span, errorCode: outcome.failure?.code.rawValue, error: outcome.failure)
        return try outcome.get()
    }

    /// Runs the host function `name` of `extensionID` inside a `hypermesh.host_function` span.
    static func traceHostFunction(
        _ tracer: any Tracer, extensionID: String, name: String, _ operation: () -> HostFunctionCall.Outcome
    ) -> HostFunctionCall.Outcome {
        let span = tracer.startSpan("hypermesh.host_function", context: ServiceContext.current ?? .topLevel, ofKind: .internal)
        span.attributes["hypermesh.extension.id"] = extensionID
        span.attributes["hypermesh.host_function"] = name
        let outcome = ServiceContext.withValue(span.context) { operation() }
        finish(span, errorCode: outcome.status == HYPERMESH_OK ? nil : StatusName.of(outcome.status), error: nil, message: outcome.message)
        return outcome
    }

    private static func finish(_ span: any Span, errorCode: String?, error: (any Error)?, message: String? = nil) {
        if let errorCode {
            span.attributes["hypermesh.outcome"] = "error"
            span.attributes["hypermesh.error.code"] = errorCode
            if let error { span.recordError(error) }
            span.setStatus(SpanStatus(code: .error, message: message ?? error.map { "\($0)" }))
        } else {
            span.attributes["hypermesh.outcome"] = "ok"
        }
        span.end()
    }
}

private extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
