import Foundation
import HyperMeshAudit
import HyperMeshExtensions
import Testing

/// The host's HTTP function reaches only the hosts the manifest lists, within the network quota,
/// against a server the test starts on loopback.
@Suite struct NetworkAccessTests {
    func start(hosts: [String], quota: Int? = nil) async throws -> (SecurityHost, ExtensionRegistry) {
        let host = SecurityHost()
        var manifest: [String: Any] = ["capabilities": ["networkAccess"], "networkHosts": hosts]
        if let quota { manifest["quotas"] = ["networkBytes": quota] }
        try host.stageHostile(manifest: manifest)
        let registry = try await host.start()
        try await registry.activate(SecurityHost.hostileID)
        return (host, registry)
    }

    @Test func anAllowedHostAnswers() async throws {
        let server = try LoopbackHTTPServer(body: "hello from loopback")
        defer { server.stop() }
        let (_, registry) = try await start(hosts: ["127.0.0.1:\(server.port)"])
        let response = try await registry.callText(SecurityHost.hostileID, "http", #"{"url":"http://127.0.0.1:\#(server.port)/hello?x=1"}"#)
        let object = try JSONSerialization.jsonObject(with: Data(response.utf8)) as? [String: Any]
        #expect(object?["status"] as? Int == 200)
        #expect(object?["body"] as? String == "hello from loopback")
        #expect(server.requests == ["GET /hello?x=1 HTTP/1.1"])
        #expect(try await registry.info(SecurityHost.hostileID).security?.networkBytesUsed ?? 0 > 0)
        await registry.shutdown()
    }

    @Test func aHostNotOnTheAllowlistIsDeniedBeforeAnyConnection() async throws {
        let server = try LoopbackHTTPServer(body: "nobody should read this")
        defer { server.stop() }
        let (host, registry) = try await start(hosts: ["127.0.0.1:1"])
        let error = try #require(await registry.failure(SecurityHost.hostileID, "http", #"{"url":"http://127.0.0.1:\#(server.port)/"}"#))
        #expect(error.message.hasSuffix("PERMISSION_DENIED"), "\(error)")
        #expect(error.cause?.contains("may not reach 127.0.0.1:\(server.port)") == true, "\(error)")
        #expect(server.requests.isEmpty)
        #expect(try host.auditRecords(of: SecurityHost.hostileID, kinds: [.denial]).first?.details["violation"] == "network_host_denied")
        let other = try #require(await registry.failure(SecurityHost.hostileID, "http", #"{"url":"http://localhost:\#(server.port)/"}"#))
        #expect(other.message.hasSuffix("PERMISSION_DENIED"))
        await registry.shutdown()
    }

    @Test func aResponsePastTheByteQuotaIsCutOffAndAudited() async throws {
        let server = try LoopbackHTTPServer(body: String(repeating: "b", count: 4_000))
        defer { server.stop() }
        let (host, registry) = try await start(hosts: ["127.0.0.1"], quota: 1_000)
        let error = try #require(await registry.failure(SecurityHost.hostileID, "http", #"{"url":"http://127.0.0.1:\#(server.port)/big"}"#))
        #expect(error.message.hasSuffix("QUOTA_EXCEEDED"), "\(error)")
        #expect(try await registry.info(SecurityHost.hostileID).security?.networkBytesUsed ?? .max <= 1_000)
        #expect(try host.auditRecords(of: SecurityHost.hostileID, kinds: [.violation]).first?.details["violation"] == "network_quota")
        await registry.shutdown()
    }

    @Test(arguments: [
        #"{"url":"https://127.0.0.1/"}"#, #"{"url":"ftp://127.0.0.1/"}"#, #"{"verb":"GET"}"#, "not json",
        #"{"url":"http://127.0.0.1/","headers":{"Host":"evil"}}"#, #"{"url":"http://127.0.0.1/","headers":{"X":"a\r\nInjected: 1"}}"#,
    ])
    func malformedRequestsAreInvalidArguments(_ request: String) async throws {
        let (_, registry) = try await start(hosts: ["127.0.0.1"])
        let error = try #require(await registry.failure(SecurityHost.hostileID, "http", request))
        #expect(error.message.hasSuffix("INVALID_ARGUMENT"), "\(error)")
        await registry.shutdown()
    }

    @Test func anUnreachableAllowedHostIsUnavailable() async throws {
        let (_, registry) = try await start(hosts: ["127.0.0.1:1"])
        let error = try #require(await registry.failure(SecurityHost.hostileID, "http", #"{"url":"http://127.0.0.1:1/"}"#))
        #expect(error.message.hasSuffix("UNAVAILABLE"), "\(error)")
        await registry.shutdown()
    }
}
