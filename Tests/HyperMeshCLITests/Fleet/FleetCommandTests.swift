import Foundation
import HyperMeshFleet
import HyperMeshRollout
import HyperMeshTestSupport
import Testing
@testable import HyperMeshCLI

/// `hypermesh fleet …` and `serve`'s fleet options, in process: what they refuse, and the operator's
/// actions on a rollout record in a real etcd (no node needed).
@Suite("fleet commands: options, refusals, and pause, resume, abort on a real etcd", .timeLimit(.minutes(3)))
struct FleetCommandTests {
    let cli = CLIHarness()

    func run(_ arguments: [String]) async -> CLIHarness.Result {
        await cli.run(arguments, hostOptions: false)
    }

    func errorCode(_ result: CLIHarness.Result) -> String? {
        ((try? result.out.jsonObject())?["error"] as? [String: Any])?["code"] as? String
    }

    @Test("without an etcd the commands say how to name one; an etcd that does not answer is etcd.unavailable")
    func noEtcd() async throws {
        if ProcessInfo.processInfo.environment["HYPERMESH_FLEET_ETCD"] == nil {
            let missing = await run(["fleet", "status"])
            #expect(missing.exitCode != 0)
            #expect(missing.err.contains("--etcd") || missing.out.contains("--etcd"), "\(missing.err)")
        }
        let port = try RegistryServer.freePort()
        let away = await run(["fleet", "nodes", "--etcd", "http://127.0.0.1:\(port)", "--json"])
        #expect(away.exitCode != 0)
        #expect(errorCode(away) == "etcd.unavailable", "\(away.out)")
        let scheme = await run(["fleet", "status", "--etcd", "ftp://127.0.0.1:1", "--json"])
        #expect(errorCode(scheme) == "etcd.endpoint_invalid", "\(scheme.out)")
    }

    @Test("rollout refuses a target without a version, waves out of order, a label that does not fit and a bad gate before contacting anything")
    func rolloutValidation() async {
        for arguments in [["org.x"], ["org.x@1.0.0", "--waves", "50%,10%"], ["org.x@1.0.0", "--waves", "10%,50%"],
                          ["org.x@1.0.0", "--label", "zone"], ["org.x@1.0.0", "--max-error-rate", "2"]] {
            let result = await cli.run(["fleet", "rollout"] + arguments + ["--etcd", "http://127.0.0.1:1"])
            #expect(result.exitCode != 0, "\(arguments)")
        }
    }

    @Test("pause, resume and abort move a recorded rollout and refuse what does not apply; status shows it; an unknown extension is fleet.rollout_unknown")
    func operatorActions() async throws {
        let etcd = try await EtcdServer.start()
        defer { etcd.stop() }
        let arguments = ["--etcd", etcd.endpoint, "--json"]
        let unknown = await run(["fleet", "pause", "org.example.none"] + arguments)
        #expect(errorCode(unknown) == "fleet.rollout_unknown", "\(unknown.out)")

        let client = try EtcdClient(endpoints: [etcd.endpoint])
        let digest = "sha256:" + String(repeating: "ab", count: 32)
        let record = try RolloutRecord.make(id: "org.example.app-2.0.0-test", extensionID: "org.example.app", version: "2.0.0",
                                            reference: "127.0.0.1:5000/ext/app:2.0.0@\(digest)", digest: digest, previousVersion: "1.0.0",
                                            now: Date())
        try await FleetState(etcd: client).createRollout(record, replacing: nil)
        // A second rollout of the same extension while this one runs is refused by the transaction.
        await #expect(throws: FleetError.self) { try await FleetState(etcd: client).createRollout(record, replacing: nil) }
        try await client.shutdown()

        let paused = await run(["fleet", "pause", "org.example.app"] + arguments)
        #expect(paused.exitCode == 0, "\(paused.out)")
        #expect(try paused.out.jsonObject()["paused"] as? Bool == true)
        #expect(errorCode(await run(["fleet", "pause", "org.example.app"] + arguments)) == "rollout.already_paused")
        let resumed = await run(["fleet", "resume", "org.example.app"] + arguments)
        #expect(try resumed.out.jsonObject()["paused"] as? Bool == false)
        #expect(errorCode(await run(["fleet", "resume", "org.example.app"] + arguments)) == "rollout.not_paused")
        let aborted = await run(["fleet", "abort", "org.example.app", "--reason", "bad build"] + arguments)
        #expect(try aborted.out.jsonObject()["state"] as? String == "aborted")
        #expect(errorCode(await run(["fleet", "abort", "org.example.app"] + arguments)) == "rollout.already_final")
        let status = await run(["fleet", "status", "org.example.app"] + arguments)
        let rollout = try #require((try status.out.jsonObject()["rollouts"] as? [[String: Any]])?.first)
        #expect(rollout["reason"] as? String == "bad build")
        #expect((rollout["history"] as? [String])?.count == 4)
        let text = await run(["fleet", "status", "--etcd", etcd.endpoint])
        #expect(text.out.contains("aborted"), "\(text.out)")
    }

    @Test("simulate: the same seed gives the same report; options that do not parse are refused")
    func simulate() async throws {
        let first = await run(["fleet", "simulate", "--nodes", "200", "--package-mb", "2", "--seed", "7", "--json"])
        let second = await run(["fleet", "simulate", "--nodes", "200", "--package-mb", "2", "--seed", "7", "--json"])
        #expect(first.exitCode == 0, "\(first.err)")
        let a = try #require(try first.out.jsonObject()["report"] as? [String: Any])
        let b = try #require(try second.out.jsonObject()["report"] as? [String: Any])
        #expect(NSDictionary(dictionary: a).isEqual(to: b))
        #expect(a["finalPhase"] != nil)
        for bad in [["--crash", "3"], ["--partition", "0.5@9-1"], ["--registry-outage", "x"], ["--waves", "100%,50%"], ["--nodes", "0"]] {
            let result = await run(["fleet", "simulate"] + bad)
            #expect(result.exitCode != 0, "\(bad)")
        }
    }

    @Test("serve's fleet options: a token without etcd, a token without --listen, a token others may read, a bad label are refused before the node starts")
    func serveOptions() async throws {
        let token = cli.root.appendingPathComponent("token")
        try FileManager.default.createDirectory(at: cli.root, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: token.path, contents: Data("0123456789abcdef-token\n".utf8), attributes: [.posixPermissions: 0o644])
        let etcd = ["--fleet-etcd", "http://127.0.0.1:1", "--node-id", "n1"]
        let cases: [([String], String)] = [
            (["--fleet-token-file", token.path], "need --fleet-etcd"),
            (etcd + ["--fleet-token-file", token.path], "--listen"),
            (etcd + ["--fleet-token-file", token.path, "--listen", "127.0.0.1:1"], "chmod 600"),
            (etcd + ["--node-label", "zone"], "name=value"),
            (["--fleet-etcd", "http://127.0.0.1:1", "--node-id", "bad/id"], "node id"),
        ]
        for (arguments, expected) in cases {
            let result = await cli.run(["serve"] + arguments)
            #expect(result.exitCode != 0, "\(arguments)")
            #expect((result.err + result.out).contains(expected), "\(arguments): \(result.err)")
        }
    }
}
