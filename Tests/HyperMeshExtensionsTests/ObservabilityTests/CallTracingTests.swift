import Foundation
import HyperMeshExtensions
import HyperMeshTestSupport
import InMemoryTracing
import Testing
import Tracing

/// Spans for a call that makes two host calls: the caller's span → `hypermesh.call` → two
/// `hypermesh.host_function`, with the extension, method, outcome and error code as attributes.
@Suite(.timeLimit(.minutes(3))) struct CallTracingTests {
    func start(tracer: (any Tracer)?) async throws -> (SecurityHost, ExtensionRegistry) {
        let host = SecurityHost()
        try host.stageHostile(manifest: ["capabilities": ["storage"]])
        let registry = try await host.start(tracer: tracer)
        try await registry.activate(SecurityHost.hostileID)
        return (host, registry)
    }

    @Test("a call that makes two host calls gives a call span with two host function spans under the caller's span")
    func aCallWithTwoHostCallsGivesTheTree() async throws {
        let tracer = InMemoryTracer()
        let (_, registry) = try await start(tracer: tracer)
        try await tracer.withSpan("caller") { _ in
            _ = try await registry.call(SecurityHost.hostileID, method: "flood", input: Array("2".utf8))
        }
        await registry.shutdown()
        let spans = tracer.finishedSpans
        let caller = try #require(spans.first { $0.operationName == "caller" })
        let call = try #require(spans.first { $0.operationName == "hypermesh.call" })
        let hostFunctions = spans.filter { $0.operationName == "hypermesh.host_function" }
        #expect(call.spanContext.parentSpanID == caller.spanContext.spanID)
        #expect(call.spanContext.traceID == caller.spanContext.traceID)
        #expect(call.attributes["hypermesh.extension.id"]?.toSpanAttribute() == .string(SecurityHost.hostileID))
        #expect(call.attributes["hypermesh.call.method"]?.toSpanAttribute() == .string("flood"))
        #expect(call.attributes["hypermesh.outcome"]?.toSpanAttribute() == .string("ok"))
        #expect(hostFunctions.count == 2)
        for span in hostFunctions {
            #expect(span.spanContext.parentSpanID == call.spanContext.spanID)
            #expect(span.attributes["hypermesh.host_function"]?.toSpanAttribute() == .string("hypermesh.storage_get"))
            #expect(span.attributes["hypermesh.extension.id"]?.toSpanAttribute() == .string(SecurityHost.hostileID))
        }
    }

    @Test("a failed call and a refused host call carry the outcome and the error code")
    func failuresCarryTheErrorCode() async throws {
        let tracer = InMemoryTracer()
        let (_, registry) = try await start(tracer: tracer)
        // `file_read` needs fileSystemAccess, which the manifest does not declare: the host call is refused.
        _ = await registry.failure(SecurityHost.hostileID, "file_read", #"{"path":"x"}"#)
        _ = await registry.failure(SecurityHost.hostileID, "no_such_method")
        await registry.shutdown()
        let spans = tracer.finishedSpans
        let refused = try #require(spans.first { $0.operationName == "hypermesh.host_function" })
        #expect(refused.attributes["hypermesh.outcome"]?.toSpanAttribute() == .string("error"))
        #expect(refused.attributes["hypermesh.error.code"]?.toSpanAttribute() == .string("PERMISSION_DENIED"))
        let calls = spans.filter { $0.operationName == "hypermesh.call" }
        #expect(calls.count == 2)
        #expect(calls.allSatisfy { $0.attributes["hypermesh.outcome"]?.toSpanAttribute() == .string("error") })
        #expect(calls.contains { $0.attributes["hypermesh.error.code"]?.toSpanAttribute() == .string("call.method_failed") })
    }

    @Test("without a tracer no span is made (the default when none is bootstrapped)")
    func noTracerNoSpans() async throws {
        let (_, registry) = try await start(tracer: nil)
        #expect(try await registry.call(SecurityHost.hostileID, method: "echo", input: Array("hi".utf8)) == Array("hi".utf8))
        await registry.shutdown()
    }
}
