import Foundation
import GRDB
import HyperMeshAudit
import HyperMeshManifest
import HyperMeshSecurity
import HyperMeshTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `ext grant`, `ext deny`, `ext resume`, `audit list` and `audit verify`, and the audit log's
/// promise that a host killed with SIGKILL loses no security record it acknowledged.
@Suite struct SecurityCommandTests {
    @Test func anUngrantedExtensionWaitsForTheOperatorsGrant() async throws {
        let cli = CLIHarness()
        try cli.stageFixture(id: "org.tests.waiting", grant: false)
        let refused = await cli.run(["ext", "call", "org.tests.waiting", "echo", "hi"])
        #expect(refused.exitCode == 1)
        #expect(refused.err.contains("[security.grant_pending]"), "\(refused.err)")
        #expect(refused.err.contains("hypermesh ext grant org.tests.waiting events storage"))
        let listed = await cli.run(["ext", "list"])
        #expect(listed.out.contains("grant pending"), "\(listed.out)")

        let granted = await cli.run(["ext", "grant", "org.tests.waiting", "storage", "events", "--json"])
        #expect(granted.exitCode == 0, "\(granted.err)")
        #expect(try granted.out.jsonObject()["allowed"] as? [String] == ["events", "storage"])
        let call = await cli.run(["ext", "call", "org.tests.waiting", "echo", "hi"])
        #expect(call.out.trimmingCharacters(in: .whitespacesAndNewlines) == "hi", "\(call.err)")

        let inspect = await cli.run(["ext", "inspect", "org.tests.waiting"])
        #expect(inspect.out.contains("granted:      events, storage"), "\(inspect.out)")
        let audit = await cli.run(["audit", "list", "--extension", "org.tests.waiting", "--kind", "grant", "--json"])
        let records = try JSONSerialization.jsonObject(with: Data(audit.out.utf8)) as? [[String: Any]]
        #expect(records?.count == 1)
        #expect(records?.first?["message"] as? String == "granted events, storage")
    }

    @Test func grantRefusesAnUnknownCapability() async throws {
        let cli = CLIHarness()
        let result = await cli.run(["ext", "grant", "org.tests.x", "telepathy"])
        #expect(result.exitCode != 0)
        #expect(result.err.contains("unknown capability 'telepathy'"), "\(result.err)")
    }

    @Test func aDeniedCapabilityIsRefusedAtRunTimeAndAudited() async throws {
        let cli = CLIHarness()
        try cli.stageFixture(id: "org.tests.denied", grant: false)
        _ = await cli.run(["ext", "grant", "org.tests.denied", "events"])
        _ = await cli.run(["ext", "deny", "org.tests.denied", "storage"])
        let put = await cli.run(["ext", "call", "org.tests.denied", "put", #"{"key":"k","value":"v"}"#])
        #expect(put.exitCode == 1)
        #expect(put.err.contains("PERMISSION_DENIED"), "\(put.err)")
        let denials = await cli.run(["audit", "list", "--kind", "denial"])
        #expect(denials.out.contains("org.tests.denied"), "\(denials.out)")
    }

    @Test func aSuspendedExtensionStaysSuspendedAcrossRunsUntilResumed() async throws {
        let cli = CLIHarness()
        try cli.stageHostile(id: "org.tests.flooder", capabilities: ["storage"], granted: [.storage],
                             policyRule: PolicyRule(quotas: Quotas(operationsPerSecond: 20)))
        let flood = await cli.run(["ext", "call", "org.tests.flooder", "flood", "3000"])
        #expect(flood.exitCode == 0, "\(flood.err)")
        let later = await cli.run(["ext", "call", "org.tests.flooder", "echo", "x"])
        #expect(later.exitCode == 1)
        #expect(later.err.contains("[security.suspended]"), "\(later.err)")
        #expect(later.err.contains("hypermesh ext resume org.tests.flooder"))
        let inspect = await cli.run(["ext", "inspect", "org.tests.flooder"])
        #expect(inspect.out.contains("SUSPENDED:"), "\(inspect.out)")

        let resumed = await cli.run(["ext", "resume", "org.tests.flooder"])
        #expect(resumed.exitCode == 0, "\(resumed.err)")
        #expect(await cli.run(["ext", "call", "org.tests.flooder", "echo", "x"]).out.trimmingCharacters(in: .whitespacesAndNewlines) == "x")
        let trail = await cli.run(["audit", "list", "--extension", "org.tests.flooder", "--kind", "suspension", "--kind", "resume", "--json"])
        let kinds = (try JSONSerialization.jsonObject(with: Data(trail.out.utf8)) as? [[String: Any]])?.compactMap { $0["kind"] as? String }
        #expect(kinds == ["suspension", "resume"])
    }

    @Test func auditVerifyFindsAnEditedAndADeletedRecord() async throws {
        let cli = CLIHarness()
        try cli.stageFixture(id: "org.tests.audited")
        for _ in 0..<3 { _ = await cli.run(["ext", "call", "org.tests.audited", "echo", "x"]) }
        let intact = await cli.run(["audit", "verify"])
        #expect(intact.exitCode == 0)
        #expect(intact.out.contains("audit log intact"), "\(intact.out)")

        let database = try DatabaseQueue(path: cli.state.appendingPathComponent("audit.sqlite").path)
        try await database.write { db in
            try db.execute(sql: "UPDATE \(try Self.table(db)) SET message = 'nothing happened' WHERE sequence = 3")
        }
        let edited = await cli.run(["audit", "verify", "--json"])
        #expect(edited.exitCode == 2, "a broken audit chain is an integrity failure")
        let problems = try edited.out.jsonObject()["problems"] as? [String] ?? []
        #expect(problems.contains { $0.contains("edited at 3") }, "\(problems)")

        try await database.write { db in
            try db.execute(sql: "DELETE FROM \(try Self.table(db)) WHERE sequence = 5")
        }
        let deleted = await cli.run(["audit", "verify", "--json"])
        #expect(deleted.exitCode == 2)
        let later = try deleted.out.jsonObject()["problems"] as? [String] ?? []
        #expect(later.count >= 2, "\(later)")
        #expect(later.contains { $0.contains(" 6") || $0.contains("5") }, "\(later)")
    }

    /// The table that holds the records (the one with a `sequence` and a `previous_hash` column).
    static func table(_ db: Database) throws -> String {
        for name in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") {
            let columns = try db.columns(in: name).map(\.name)
            if columns.contains("sequence"), columns.contains("previous_hash") { return name }
        }
        throw SecurityCommandFailure("no audit table found")
    }

    @Test func aHostKilledMidFloodLosesNoAcknowledgedSecurityRecord() async throws {
        let cli = CLIHarness()
        try cli.stageHostile(id: "org.tests.killed", capabilities: ["events"], granted: [.events],
                             policyRule: PolicyRule(quotas: Quotas(operationsPerSecond: 1_000_000),
                                                    violations: ViolationSettings(threshold: 1_000_000_000)))
        let output = cli.root.appendingPathComponent("killed.out")
        let pid = try ChildProcess.start(
            [CLIHarness.executable.path, "ext", "call", "org.tests.killed", "deny_loop",
             "--path", cli.extensions.path, "--state-dir", cli.state.path],
            outputPath: output.path, errorPath: cli.root.appendingPathComponent("killed.err").path)
        // Each "refused N" line is written after the N-th refused host call returned to the
        // extension, i.e. after its denial record was committed.
        var acknowledged = 0
        let deadline = Date().addingTimeInterval(120)
        while acknowledged < 300, Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
            let lines = (try? String(contentsOf: output, encoding: .utf8))?.split(separator: "\n") ?? []
            acknowledged = lines.last.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        }
        kill(pid, SIGKILL)
        let status = try ChildProcess.wait(pid)
        #expect(ChildProcess.describe(status) == "killed by signal 9")
        let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n")
        acknowledged = lines.compactMap { Int($0.split(separator: " ").last ?? "") }.max() ?? 0
        #expect(acknowledged >= 300, "the host did not get far enough: \(acknowledged)")

        let log = try AuditLog(file: cli.state.appendingPathComponent("audit.sqlite"))
        defer { log.close() }
        let denials = try log.records(extensionID: "org.tests.killed", kinds: [.denial])
        #expect(denials.count >= acknowledged, "\(denials.count) denial records for \(acknowledged) acknowledged refusals")
        #expect(try log.verify().isIntact)
    }
}

struct SecurityCommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
