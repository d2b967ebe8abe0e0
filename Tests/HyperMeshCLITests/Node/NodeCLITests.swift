import Foundation
@testable import HyperMeshCLI
import HyperMeshTestSupport
import Testing

extension NodeTests {
    /// `ext list --json`, with every field but the state (active on the node, registered offline).
    static func listWithoutStates(_ output: String) throws -> NSDictionary {
        var document = try output.jsonObject()
        document["extensions"] = (document["extensions"] as? [[String: Any]] ?? []).map { entry in
            var entry = entry
            entry["state"] = nil
            return entry
        }
        return document as NSDictionary
    }

    @Test func theCLIActsOnARunningNodeWithTheSameOutput() async throws {
        let cli = CLIHarness()
        try cli.stageFixture(id: "org.tests.cli")

        // Without a node: lifecycle commands need one; the others work offline.
        let activate = await cli.run(["ext", "activate", "org.tests.cli"])
        #expect(activate.exitCode == 69, "no node answers: EX_UNAVAILABLE")
        #expect(activate.err.contains("[node.unreachable]"), "\(activate.err)")
        let activateJSON = await cli.run(["ext", "activate", "org.tests.cli", "--json"])
        #expect(activateJSON.exitCode == 69)
        #expect(activateJSON.out.contains("node.unreachable") || activateJSON.err.contains("node.unreachable"), "\(activateJSON.out) \(activateJSON.err)")
        let offlineList = await cli.run(["ext", "list", "--json"])
        #expect(offlineList.exitCode == 0, "\(offlineList.err)")
        let offlineCall = await cli.run(["ext", "call", "org.tests.cli", "echo", #"{"a":[1,2]}"#])
        #expect(offlineCall.exitCode == 0, "\(offlineCall.err)")
        let offlineFail = await cli.run(["ext", "call", "org.tests.cli", "fail"])
        #expect(offlineFail.exitCode == 1)

        let node = try await NodeProcess.start(cli)
        let nodeList = await cli.run(["ext", "list", "--json"])
        #expect(nodeList.exitCode == 0, "\(nodeList.err)")
        #expect(try Self.listWithoutStates(nodeList.out) == Self.listWithoutStates(offlineList.out), "\(nodeList.out)\n---\n\(offlineList.out)")
        #expect((try nodeList.out.jsonObject()["extensions"] as? [[String: Any]])?.first?["state"] as? String == "active", "\(nodeList.out)")
        let bypass = await cli.run(["ext", "list", "--json", "--offline"])
        #expect(try Self.listWithoutStates(bypass.out) == Self.listWithoutStates(nodeList.out))

        let nodeCall = await cli.run(["ext", "call", "org.tests.cli", "echo", #"{"a":[1,2]}"#])
        #expect(nodeCall.exitCode == 0, "\(nodeCall.err)")
        #expect(nodeCall.out == offlineCall.out)
        let nodeFail = await cli.run(["ext", "call", "org.tests.cli", "fail"])
        #expect(nodeFail.exitCode == 1)
        #expect(nodeFail.err == offlineFail.err, "\(nodeFail.err)\n---\n\(offlineFail.err)")
        let nodeJSONCall = await cli.run(["ext", "call", "org.tests.cli", "echo", "raw", "--json"])
        #expect(nodeJSONCall.out.trimmingCharacters(in: .newlines) == "raw")

        // audit verify on the node and offline read the same log (the node commits what it queued
        // before it answers).
        let viaNode = await cli.run(["audit", "verify", "--json"])
        let direct = await cli.run(["audit", "verify", "--json", "--offline"])
        #expect(viaNode.exitCode == 0, "\(viaNode.err)")
        #expect(try viaNode.out.jsonObject()["intact"] as? Bool == true)
        #expect(viaNode.out == direct.out)
        let verifyText = await cli.run(["audit", "verify"])
        #expect(verifyText.out.contains("audit log intact"), "\(verifyText.out)")

        // Lifecycle commands act on the node.
        let deactivate = await cli.run(["ext", "deactivate", "org.tests.cli", "--json"])
        #expect(deactivate.exitCode == 0, "\(deactivate.err)")
        #expect(try deactivate.out.jsonObject()["state"] as? String == "inactive")
        let reactivate = await cli.run(["ext", "activate", "org.tests.cli"])
        #expect(reactivate.exitCode == 0, "\(reactivate.err)")
        #expect(reactivate.out.contains("now active"), "\(reactivate.out)")
        let auditList = await cli.run(["audit", "list", "--extension", "org.tests.cli", "--kind", "lifecycle", "--json"])
        let directList = await cli.run(["audit", "list", "--extension", "org.tests.cli", "--kind", "lifecycle", "--json", "--offline"])
        #expect(auditList.exitCode == 0, "\(auditList.err)")
        #expect(auditList.out == directList.out)
        let messages = (try JSONSerialization.jsonObject(with: Data(auditList.out.utf8)) as? [[String: Any]])?.compactMap { $0["message"] as? String }
        #expect(messages?.suffix(2) == ["active -> inactive", "inactive -> active"], "\(messages ?? [])")

        // --node names it explicitly; a wrong one is unreachable.
        let named = await cli.run(["ext", "list", "--json", "--node", cli.state.appendingPathComponent("node.sock").path])
        #expect(try Self.listWithoutStates(named.out) == Self.listWithoutStates(nodeList.out))
        let nowhere = await cli.run(["ext", "list", "--node", cli.root.appendingPathComponent("none.sock").path])
        #expect(nowhere.exitCode == 69)
        #expect(nowhere.err.contains("[node.unreachable]"), "\(nowhere.err)")

        #expect(await node.stop() == 0, "\(node.output)")
        let after = await cli.run(["ext", "activate", "org.tests.cli"])
        #expect(after.err.contains("[node.unreachable]"), "\(after.err)")
    }
}
