import Foundation
@testable import HyperMeshCLI
import HyperMeshNodeClient
import HyperMeshTestSupport
import Testing

extension NodeTests {
    /// Every route that names an extension refuses an id that is not an extension id (400) and a
    /// grant for an id that is not registered (404), writing nothing to the policy.
    @Test func aRouteNamingAnInvalidOrUnregisteredIDIsRefusedAndWritesNothing() async throws {
        let cli = CLIHarness()
        try cli.stageFixture(id: "org.tests.guarded")
        let node = try await NodeProcess.start(cli)
        let client = NodeHTTP(endpoint: node.endpoint, token: nil)
        let policyBefore = try Data(contentsOf: cli.policyFile)

        let decision = #"{"allow":["storage"]}"#
        for id in ["..%2F..%2Fx", "..", "Org.Tests.Upper", "single", "org.tests.guarded%00"] {
            let routes: [(String, String, String)] = [
                ("GET", "/v1/extensions/\(id)", ""), ("POST", "/v1/extensions/\(id)/activate", ""),
                ("POST", "/v1/extensions/\(id)/deactivate", ""), ("POST", "/v1/extensions/\(id)/reload", ""),
                ("POST", "/v1/extensions/\(id)/resume", ""), ("POST", "/v1/extensions/\(id)/grant", decision),
                ("POST", "/v1/extensions/\(id)/call/echo", "x"),
            ]
            for (method, path, body) in routes {
                let answer = client.request(method, path, body: body)
                #expect(answer.status == 400, "\(method) \(path): \(answer.status) \(answer.text)")
                #expect(answer.errorCode == "node.bad_request", "\(method) \(path): \(answer.text)")
            }
        }
        let unknown = client.request("POST", "/v1/extensions/org.tests.nobody/grant", body: decision)
        #expect(unknown.status == 404, "\(unknown.text)")
        #expect(unknown.errorCode == "registry.unknown_extension", "\(unknown.text)")
        #expect(try Data(contentsOf: cli.policyFile) == policyBefore, "the policy file changed")

        // The registered extension is still served.
        #expect(client.request("POST", "/v1/extensions/org.tests.guarded/call/echo", body: "hi").text == "hi")
        #expect(await node.stop() == 0, "\(node.output)")
    }

    /// A Content-Length over the route's limit is answered 413 from the headers alone, with or
    /// without the token, while no byte of the body has been sent.
    @Test func aContentLengthOverTheLimitIsAnswered413BeforeAnyBodyIsSent() async throws {
        let cli = CLIHarness()
        try cli.stageFixture(id: "org.tests.large")
        let port = try RawHTTP.freePort()
        let node = try await NodeProcess.start(cli, listen: "127.0.0.1:\(port)")
        let token = try #require(NodeToken.read(stateDirectory: cli.state))

        let cases: [(String, String?, String)] = [
            ("/v1/extensions/org.tests.large/call/echo", token, "99999999999"),
            ("/v1/extensions/org.tests.large/call/echo", nil, "99999999999"),
            ("/v1/extensions/org.tests.large/grant", token, "\((1 << 20) + 1)"),
        ]
        for (path, token, length) in cases {
            // Only the headers are sent; a node that waited for the body would not answer within the timeout.
            let outcome = RawHTTP.exchange(node.endpoint, "POST", path, token: token, declaredLength: length,
                                           untilWholeResponse: true, timeoutSeconds: 20)
            guard case .answered(let response) = outcome else {
                Issue.record("\(path) (token: \(token != nil), Content-Length: \(length)): \(outcome)")
                continue
            }
            #expect(response.status == 413, "\(path): \(response.status) \(response.text)")
            #expect(response.errorCode == "node.too_large", "\(path): \(response.text)")
        }
        // Within the limit, the token is still required and the call still served.
        let anonymous = RawHTTP.exchange(node.endpoint, "POST", "/v1/extensions/org.tests.large/call/echo", body: Array("hi".utf8), timeoutSeconds: 20)
        if case .answered(let response) = anonymous { #expect(response.status == 401) } else { Issue.record("\(anonymous)") }
        let echo = NodeHTTP(endpoint: node.endpoint, token: token).request("POST", "/v1/extensions/org.tests.large/call/echo", body: "hi")
        #expect(echo.text == "hi")
        #expect(await node.stop() == 0, "\(node.output)")
    }
}
