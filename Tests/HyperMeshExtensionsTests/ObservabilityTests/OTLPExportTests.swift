import Foundation
import HyperMeshExtensions
import HyperMeshTestSupport
import OTel
import ServiceLifecycle
import Testing
import Tracing

/// The spans of a call leave the host through swift-otel's OTLP/HTTP exporter, and an in-process
/// receiver gets the tree: caller → `hypermesh.call` → two `hypermesh.host_function`.
@Suite(.timeLimit(.minutes(3))) struct OTLPExportTests {
    struct ExportedSpan {
        let name: String
        let traceID: String
        let spanID: String
        let parentSpanID: String
        let attributes: [String: String]
    }

    /// The spans in OTLP/HTTP JSON bodies (`resourceSpans[].scopeSpans[].spans[]`).
    static func spans(in bodies: [[UInt8]]) throws -> [ExportedSpan] {
        var spans: [ExportedSpan] = []
        for body in bodies {
            let root = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
            for resource in root["resourceSpans"] as? [[String: Any]] ?? [] {
                for scope in resource["scopeSpans"] as? [[String: Any]] ?? [] {
                    for span in scope["spans"] as? [[String: Any]] ?? [] {
                        var attributes: [String: String] = [:]
                        for attribute in span["attributes"] as? [[String: Any]] ?? [] {
                            let value = attribute["value"] as? [String: Any]
                            attributes[attribute["key"] as? String ?? ""] = value?["stringValue"] as? String ?? value.map { "\($0)" }
                        }
                        spans.append(ExportedSpan(name: span["name"] as? String ?? "", traceID: span["traceId"] as? String ?? "",
                                                  spanID: span["spanId"] as? String ?? "", parentSpanID: span["parentSpanId"] as? String ?? "",
                                                  attributes: attributes))
                    }
                }
            }
        }
        return spans
    }

    @Test("a call with two host calls reaches an OTLP/HTTP receiver as a tree of four spans")
    func spansReachTheReceiver() async throws {
        let receiver = try await LoopbackHTTPServer()
        defer { receiver.stop() }
        var configuration = OTel.Configuration.default
        configuration.serviceName = "hypermesh-test"
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        configuration.traces.exporter = .otlp
        configuration.traces.otlpExporter.endpoint = "http://127.0.0.1:\(receiver.port)/v1/traces"
        configuration.traces.otlpExporter.protocol = .httpJSON
        configuration.traces.batchSpanProcessor.scheduleDelay = .milliseconds(100)
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        let exporter = Task { try await backend.service.run() }

        let host = SecurityHost()
        try host.stageHostile(manifest: ["capabilities": ["storage"]])
        let registry = try await host.start(tracer: backend.factory)
        try await registry.activate(SecurityHost.hostileID)
        try await backend.factory.withSpan("node request") { _ in
            _ = try await registry.call(SecurityHost.hostileID, method: "flood", input: Array("2".utf8))
        }
        await registry.shutdown()

        // The batch processor exports every 100 ms; wait (bounded) until the four spans arrived.
        var spans: [ExportedSpan] = []
        for _ in 0..<200 {
            spans = try Self.spans(in: receiver.receivedBodies)
            if spans.count >= 4 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        exporter.cancel()
        let request = try #require(spans.first { $0.name == "node request" }, "spans received: \(spans.map(\.name))")
        let call = try #require(spans.first { $0.name == "hypermesh.call" })
        let hostFunctions = spans.filter { $0.name == "hypermesh.host_function" }
        #expect(call.parentSpanID == request.spanID)
        #expect(call.traceID == request.traceID)
        #expect(call.attributes["hypermesh.extension.id"] == SecurityHost.hostileID)
        #expect(call.attributes["hypermesh.call.method"] == "flood")
        #expect(call.attributes["hypermesh.outcome"] == "ok")
        #expect(hostFunctions.count == 2)
        #expect(hostFunctions.allSatisfy { $0.parentSpanID == call.spanID && $0.attributes["hypermesh.host_function"] == "hypermesh.storage_get" })
    }

    @Test("http_request sends the call's trace context as a W3C traceparent with an OpenTelemetry tracer")
    func outboundRequestsCarryTraceparent() async throws {
        let server = try await LoopbackHTTPServer()
        defer { server.stop() }
        var configuration = OTel.Configuration.default
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        configuration.traces.exporter = .none
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        let host = SecurityHost()
        try host.stageHostile(manifest: ["capabilities": ["networkAccess"], "networkHosts": ["127.0.0.1:\(server.port)"]])
        let registry = try await host.start(outboundHTTP: try OutboundHTTPClient(settings: OutboundHTTPSettings(tracer: backend.factory)),
                                            tracer: backend.factory)
        try await registry.activate(SecurityHost.hostileID)
        let (answer, traceID) = try await backend.factory.withSpan("node request") { span in
            (try await registry.callText(SecurityHost.hostileID, "http", #"{"url":"http://127.0.0.1:\#(server.port)/header?name=traceparent"}"#),
             "\(span.context)")
        }
        await registry.shutdown()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any])
        let traceparent = try #require(object["body"] as? String)
        // version 00, a 32-hex-digit trace id, a 16-hex-digit parent span id, flags.
        let parts = traceparent.split(separator: "-")
        #expect(parts.count == 4 && parts[0] == "00" && parts[1].count == 32 && parts[2].count == 16, "\(traceparent)")
        #expect(parts.count == 4 && traceID.contains(String(parts[1])), "the traceparent \(traceparent) is not of the caller's trace (\(traceID))")
    }
}
