import Foundation
import HyperMeshTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The admin API's document (docs/node-api.yaml, which the server and the client are generated
/// from) is valid OpenAPI, and a live node answers what it says: schemathesis sends requests made
/// from the document (with the token) and checks every answer against it. Both tools come from
/// PyPI (scripts/bootstrap.sh).
@Suite(.serialized) struct NodeAPIDocumentTests {
    static var document: URL { ExtensionBuilder.repositoryRoot.appendingPathComponent("docs/node-api.yaml") }
    /// What schemathesis is told beyond its defaults, with why (Tests/HyperMeshNodeTests/schemathesis.toml).
    static var configuration: URL { ExtensionBuilder.repositoryRoot.appendingPathComponent("Tests/HyperMeshNodeTests/schemathesis.toml") }

    @Test("openapi-spec-validator finds no error in docs/node-api.yaml", .timeLimit(.minutes(2)))
    func documentIsValid() async throws {
        let result = try await ExternalTool.run(["openapi-spec-validator", Self.document.path], timeout: .seconds(90))
        #expect(result.status == 0, "openapi-spec-validator failed (status \(result.status)):\n\(result.output)")
    }

    @Test("schemathesis finds no failure against a live node with the token", .timeLimit(.minutes(4)))
    func schemathesisFindsNothing() async throws {
        let app = NodeTestApp()
        try app.stageFixture(id: "org.tests.node", allow: true)
        let token = try #require(app.token)
        try await app.run { _, raw, _ in
            let port = try #require(raw.port)
            // Bounded: few examples per operation, one worker, and a hard limit on the whole run.
            let result = try await ExternalTool.run([
                "schemathesis", "--config-file", Self.configuration.path, "run", Self.document.path,
                "--url", "http://127.0.0.1:\(port)",
                "--header", "Authorization: Bearer \(token)",
                "--checks", "all",
                "--max-examples", "10",
                "--seed", "1",
                "--workers", "1",
                "--request-timeout", "20",
                "--max-time", "100",
                "--no-color",
            ], timeout: .seconds(150))
            #expect(result.status == 0, "schemathesis reported failures (status \(result.status)):\n\(result.output)")
        }
    }
}

/// A command-line tool run without blocking a thread of the cooperative pool (the node under test
/// answers on it): spawned, then polled; killed after `timeout`.
enum ExternalTool {
    struct Result {
        var status: Int32
        var output: String
    }

    static func run(_ command: [String], timeout: Duration) async throws -> Result {
        let log = ExtensionBuilder.temporaryDirectory().appendingPathComponent("tool.log")
        try FileManager.default.createDirectory(at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
        // In a folder of its own: schemathesis writes a cache (.schemathesis/) where it runs.
        let pid = try ChildProcess.start(["/usr/bin/env", "-C", log.deletingLastPathComponent().path] + command, outputPath: log.path)
        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                return Result(status: -1, output: "killed after \(timeout):\n" + output)
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return Result(status: ChildProcess.exitStatus(status) ?? -1, output: output)
    }
}
