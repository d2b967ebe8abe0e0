import Foundation
@testable import HyperMeshCLI
@testable import HyperMeshNode
import HyperMeshNodeClient
import HyperMeshSecurity
import HyperMeshTestSupport
import Testing

extension NodeTests {
    /// `serve --watch`: a package rewritten in place is reloaded while it serves; a new version
    /// whose health check fails never replaces the running one.
    @Test func watchReloadsAChangedPackageWhileItServes() async throws {
        let cli = CLIHarness()
        let id = "org.tests.watched"
        try cli.stageFixture(id: id, defines: ["FIXTURE_VERSION": "\"1.0.0\""], manifest: ["version": "1.0.0"])
        let node = try await NodeProcess.start(cli, extra: ["--watch", "--log-level", "notice"])
        defer { Task { _ = await node.stop() } }
        let client = NodeHTTP(endpoint: node.endpoint, token: nil)
        let path = "/v1/extensions/\(id)/call/version"
        #expect(String(decoding: client.request("POST", path).body, as: UTF8.self) == "1.0.0")

        try cli.stageFixture(id: id, defines: ["FIXTURE_VERSION": "\"2.0.0\""], manifest: ["version": "2.0.0"])
        var answer = ""
        var failures: [String] = []
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let response = client.request("POST", path)
            answer = String(decoding: response.body, as: UTF8.self)
            if response.status != 200 { failures.append("\(response.status) \(answer)") }
            if answer == "2.0.0" { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(answer == "2.0.0", "the node did not pick up the new version:\n\(node.output)")
        #expect(failures.isEmpty, "calls failed during the reload: \(failures.prefix(3))")

        try cli.stageFixture(id: id, defines: ["FIXTURE_VERSION": "\"3.0.0\"", "FIXTURE_HEALTH_STATUS": "\"unhealthy\""], manifest: ["version": "3.0.0"])
        let refusedBy = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < refusedBy, !node.output.contains("canary") {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(node.output.contains("failed its canary health check"), "\(node.output)")
        #expect(String(decoding: client.request("POST", path).body, as: UTF8.self) == "2.0.0")
    }
}

/// `--watch` applied to a node's session directly: changes that land while the node stops are left
/// alone (nothing new is registered or started while the extensions drain and the audit log
/// closes), and a package broken at the start that is fixed becomes usable.
@Suite struct NodeWatchApplyTests {
    func runtime(_ cli: CLIHarness) async throws -> NodeRuntime {
        let options = try HostOptions.parse(["--path", cli.extensions.path, "--state-dir", cli.state.path])
        return NodeRuntime(session: try await HostSession.open(options), options: options)
    }

    @Test func aNewPackageIsRegisteredWhileServingButNotWhileStopping() async throws {
        let cli = CLIHarness()
        let serving = try await runtime(cli)
        let first = try cli.stageFixture(id: "org.tests.new-while-serving")
        await NodeReload.apply(changedFolders: [first], on: serving)
        #expect(await serving.registry.registeredIDs.contains("org.tests.new-while-serving"))
        await serving.registry.shutdown()

        let stopping = try await runtime(cli)
        stopping.markStopping()
        let second = try cli.stageFixture(id: "org.tests.new-while-stopping")
        await NodeReload.apply(changedFolders: [second], on: stopping)
        #expect(await !stopping.registry.registeredIDs.contains("org.tests.new-while-stopping"))
        await stopping.registry.shutdown()
    }
}

extension NodeWatchApplyTests {
    @Test func aPackageBrokenAtStartAndFixedIsUsableAfterTheWatchPicksItUp() async throws {
        let cli = CLIHarness()
        let id = "org.tests.fixed-later"
        // Another signed package puts the development CA in the trust store; this one is unsigned.
        _ = try cli.stageFixture(id: "org.tests.signed")
        _ = try cli.stageFixture(id: id, signed: false)
        let node = try await runtime(cli)
        #expect(node.session.problems(now: await node.registry.registeredIDs).contains { $0.error.extensionID == id })
        await #expect(throws: (any Error).self) { try await node.session.requireUsable(id) }

        let fixed = try cli.stageFixture(id: id)
        await NodeReload.apply(changedFolders: [fixed], on: node)
        #expect(await node.registry.registeredIDs.contains(id))
        try await node.session.requireUsable(id)
        #expect(!node.session.problems(now: await node.registry.registeredIDs).contains { $0.error.extensionID == id })
        await node.registry.shutdown()
    }
}

extension NodeWatchApplyTests {
    /// A package folder holding a FIFO cannot hold up `--watch`: the change is refused at once,
    /// and a valid package that changed with it is registered and activated.
    @Test func aPackageWithAFIFODoesNotHoldUpAValidPackageAddedAfterIt() async throws {
        let cli = CLIHarness()
        // The policy the node starts with already allows what the new package declares.
        var policy = try PolicyFile.load(from: cli.policyFile)
        policy.allow([.storage, .events], for: "org.tests.added-after")
        try PolicyFile.save(policy, to: cli.policyFile)
        let node = try await runtime(cli)
        let bad = try cli.stageFixture(id: "org.tests.fifo-payload")
        let payload = bad.appendingPathComponent("libfixture.so")
        try FileManager.default.removeItem(at: payload)
        let trap = try FIFOTrap(at: payload)
        let good = try cli.stageFixture(id: "org.tests.added-after")

        await NodeReload.apply(changedFolders: [bad, good], on: node)
        trap.finish()
        #expect(!trap.wasNeeded, "--watch waited on the FIFO")
        #expect(await node.registry.registeredIDs.contains("org.tests.added-after"))
        #expect(try await node.registry.state(of: "org.tests.added-after") == .active)
        #expect(await !node.registry.registeredIDs.contains("org.tests.fifo-payload"))
        await node.registry.shutdown()
    }
}
