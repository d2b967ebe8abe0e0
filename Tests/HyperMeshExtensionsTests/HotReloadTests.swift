import Foundation
import HyperMeshExtensions
import HyperMeshManifest
import HyperMeshSecurity
import HyperMeshTestSupport
import Synchronization
import Testing

/// Hot reload: the new version starts beside the old one, passes a canary, takes the calls; no call
/// fails, every answer comes from one version or the other, and a broken new version never
/// replaces a working one.
@Suite struct HotReloadTests {
    static let id = "org.tests.reload"

    /// Everything granted; the anomaly detector only judges calls of 10 s of CPU or more. The
    /// callers here run tight loops on a shared 2-core machine, where a preempted microsecond call
    /// can be charged milliseconds of system time; the subject is the reload, not the detector
    /// (CPUAndAnomalyTests cover it).
    static let policy = SecurityPolicy(defaults: PolicyRule(allow: Set(Capability.allCases), anomaly: AnomalySettings(minimumCPUMicroseconds: 10_000_000)))

    /// Stages version `version` of the fixture (its `version` method answers it) and returns the
    /// package as discovery sees it. The call rate is raised: the callers of these tests run in
    /// tight loops, and the subject is the reload, not the rate limiter.
    static func stage(_ host: FixtureHost, version: String, defines: [String: String] = [:], isolation: String = "in-process") async throws -> DiscoveredPackage {
        try host.stageFixture(id: id, version: version, defines: defines,
                              manifest: ["quotas": ["operationsPerSecond": 100_000_000], "isolation": isolation])
        let discovery = await ExtensionDiscovery.discover(in: [host.extensionsDirectory], verifier: TestTrust.allowingUnsigned)
        return try #require(discovery.packages.first { $0.manifest.id == id })
    }

    @Test func aReloadUnderThousandsOfCallsFailsNoneAndMixesNothing() async throws {
        let host = FixtureHost()
        _ = try await Self.stage(host, version: "1.0.0")
        let (registry, _) = try await host.registryWithStagedPackages(policy: Self.policy)
        try await registry.activate(Self.id)
        #expect(try await registry.callText(Self.id, "version") == "1.0.0")

        let tally = Tally()
        // The callers run on the registry's call threads, as an embedder making many calls would:
        // no thread hop per call, and no wait for a cooperative pool that other suites keep busy.
        let callers = (0..<4).map { _ in
            Task.detached {
                await registry.callExecutor.run {
                    while !tally.stop.load(ordering: .relaxed) {
                        do {
                            let answer = try await registry.callText(Self.id, "version")
                            tally.answers.withLock { $0[answer, default: 0] += 1 }
                        } catch {
                            tally.failures.withLock { $0.append("\(error)") }
                        }
                    }
                }
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        let report = try await registry.reload(to: try await Self.stage(host, version: "2.0.0"))
        try await Task.sleep(for: .milliseconds(200))
        tally.stop.store(true, ordering: .relaxed)
        for caller in callers { await caller.value }

        #expect(report.hot)
        #expect(report.fromVersion == "1.0.0" && report.toVersion == "2.0.0")
        let failures = tally.failures.withLock { $0 }
        #expect(failures.isEmpty, "\(failures.prefix(3))")
        let seen = tally.answers.withLock { $0 }
        #expect(Set(seen.keys).isSubset(of: ["1.0.0", "2.0.0"]), "\(seen)")
        #expect((seen["1.0.0"] ?? 0) > 0 && (seen["2.0.0"] ?? 0) > 0, "\(seen)")
        #expect(seen.values.reduce(0, +) > 1_000, "\(seen)")
        #expect(try await registry.callText(Self.id, "version") == "2.0.0")
        #expect(try await registry.info(Self.id).manifest.version.description == "2.0.0")
        await registry.shutdown()
    }

    @Test func aNewVersionWhoseHealthCheckFailsNeverReplacesTheOldOne() async throws {
        let host = FixtureHost()
        _ = try await Self.stage(host, version: "1.0.0")
        let (registry, _) = try await host.registryWithStagedPackages(policy: Self.policy)
        try await registry.activate(Self.id)
        let broken = try await Self.stage(host, version: "2.0.0", defines: ["FIXTURE_HEALTH_STATUS": "\"unhealthy\""])
        let error = try #require(await #expect(throws: ExtensionError.self) { try await registry.reload(to: broken) })
        #expect(error.code == .reloadFailed)
        #expect(error.message.contains("canary"))
        #expect(error.message.contains("1.0.0 keeps serving"))
        #expect(try await registry.callText(Self.id, "version") == "1.0.0")
        #expect(try await registry.state(of: Self.id) == .active)
        await registry.shutdown()
    }

    @Test func aNewVersionThatFailsToActivateNeverReplacesTheOldOne() async throws {
        let host = FixtureHost()
        _ = try await Self.stage(host, version: "1.0.0")
        let (registry, _) = try await host.registryWithStagedPackages(policy: Self.policy)
        try await registry.activate(Self.id)
        let broken = try await Self.stage(host, version: "2.0.0", defines: ["FIXTURE_ACTIVATE_FAILS": ""])
        let error = try #require(await #expect(throws: ExtensionError.self) { try await registry.reload(to: broken) })
        #expect(error.code == .reloadFailed)
        #expect(error.message.contains("did not start"))
        #expect(try await registry.callText(Self.id, "version") == "1.0.0")
        // A good version afterwards goes in.
        try await registry.reload(to: try await Self.stage(host, version: "3.0.0"))
        #expect(try await registry.callText(Self.id, "version") == "3.0.0")
        await registry.shutdown()
    }

    @Test func shadowCopiesAreRemovedWhenTheirVersionRetires() async throws {
        let host = FixtureHost()
        _ = try await Self.stage(host, version: "1.0.0")
        let (registry, _) = try await host.registryWithStagedPackages(policy: Self.policy)
        try await registry.activate(Self.id)
        try await registry.reload(to: try await Self.stage(host, version: "2.0.0"))
        try await registry.reload(to: try await Self.stage(host, version: "3.0.0"))
        let shadow = host.stateDirectory.appendingPathComponent("shadow").appendingPathComponent(Self.id)
        let folders = try FileManager.default.contentsOfDirectory(atPath: shadow.path)
        #expect(folders.count == 1, "only the running version's copy remains: \(folders)")
        #expect(folders.first?.hasPrefix("3.0.0-") == true)
        await registry.shutdown()
    }

    @Test func anInactiveExtensionIsReplacedTheColdWay() async throws {
        let host = FixtureHost()
        _ = try await Self.stage(host, version: "1.0.0")
        let (registry, _) = try await host.registryWithStagedPackages(policy: Self.policy)
        let report = try await registry.reload(to: try await Self.stage(host, version: "2.0.0"))
        #expect(!report.hot)
        try await registry.activate(Self.id)
        #expect(try await registry.callText(Self.id, "version") == "2.0.0")
        await registry.shutdown()
    }
}

/// What the callers of a reload test saw.
private final class Tally: Sendable {
    let answers = Mutex<[String: Int]>([:])
    let failures = Mutex<[String]>([])
    let stop = Atomic<Bool>(false)
}

extension HotReloadTests {
    @Test func aVersionThatAnActiveDependentDoesNotAcceptIsRefused() async throws {
        let host = FixtureHost()
        _ = try await Self.stage(host, version: "1.0.0")
        try host.stageFixture(id: "org.tests.dependent", manifest: ["dependencies": [Self.id: "^1.0.0"]])
        let (registry, _) = try await host.registryWithStagedPackages(policy: Self.policy)
        try await registry.activate("org.tests.dependent")
        let next = try await Self.stage(host, version: "2.0.0")
        let error = try #require(await #expect(throws: ExtensionError.self) { try await registry.reload(to: next) })
        #expect(error.code == .reloadFailed)
        #expect(error.extensionID == Self.id)
        #expect(error.message.contains("org.tests.dependent needs"))
        #expect(try await registry.callText(Self.id, "version") == "1.0.0")
        await registry.shutdown()
    }
}

/// State hand-over: when the running version has `export_state` and the new one `import_state`,
/// the new version starts with the old one's in-memory state, and no call fails meanwhile.
extension HotReloadTests {
    static let handOver = ["FIXTURE_STATE_HANDOVER": ""]

    @Test(arguments: ["in-process", "process"])
    func theCounterSurvivesAReloadUnderLoad(isolation: String) async throws {
        let host = FixtureHost()
        _ = try await Self.stage(host, version: "1.0.0", defines: Self.handOver, isolation: isolation)
        let (registry, _) = try await host.registryWithStagedPackages(policy: Self.policy)
        try await registry.activate(Self.id)
        let tally = Tally()
        let caller = Task.detached {
            var last = 0
            while !tally.stop.load(ordering: .relaxed) {
                do {
                    let value = Int(try await registry.callText(Self.id, "count")) ?? -1
                    // One caller: every answer is one more than the last, across the swap too.
                    if value != last + 1 { tally.failures.withLock { $0.append("\(last) then \(value)") } }
                    last = value
                } catch {
                    tally.failures.withLock { $0.append("\(error)") }
                }
                // A caller that never suspends could hold a cooperative thread for good (2 cores).
                await Task.yield()
            }
            return last
        }
        defer { tally.stop.store(true, ordering: .relaxed) }
        try await Task.sleep(for: .milliseconds(200))
        let report = try await registry.reload(to: try await Self.stage(host, version: "2.0.0", defines: Self.handOver, isolation: isolation))
        try await Task.sleep(for: .milliseconds(100))
        tally.stop.store(true, ordering: .relaxed)
        let last = await caller.value
        let failures = tally.failures.withLock { $0 }
        #expect(failures.isEmpty, "\(failures.prefix(3))")
        #expect(report.hot && report.handedOverStateBytes != nil, "\(report)")
        #expect(report.pauseNanoseconds >= report.swapNanoseconds)
        #expect(try await registry.callText(Self.id, "version") == "2.0.0")
        #expect(try await registry.callText(Self.id, "count") == "\(last + 1)")
        await registry.shutdown()
    }

    @Test func aNewVersionThatRefusesTheStateLeavesTheOldOneServing() async throws {
        let host = FixtureHost()
        _ = try await Self.stage(host, version: "1.0.0", defines: Self.handOver)
        let (registry, _) = try await host.registryWithStagedPackages(policy: Self.policy)
        try await registry.activate(Self.id)
        #expect(try await registry.callText(Self.id, "count") == "1")
        let next = try await Self.stage(host, version: "2.0.0", defines: Self.handOver.merging(["FIXTURE_IMPORT_FAILS": ""]) { $1 })
        let error = try #require(await #expect(throws: ExtensionError.self) { try await registry.reload(to: next) })
        #expect(error.code == .reloadFailed)
        #expect(error.message.contains("state hand-over"))
        #expect(error.cause?.contains("fixture refused the state") == true, "\(error)")
        // The old version serves again, with its state.
        #expect(try await registry.callText(Self.id, "version") == "1.0.0")
        #expect(try await registry.callText(Self.id, "count") == "2")
        await registry.shutdown()
    }

    @Test func withoutTheEntriesNothingIsHandedOverAndCallsNeverWait() async throws {
        let host = FixtureHost()
        _ = try await Self.stage(host, version: "1.0.0")
        let (registry, _) = try await host.registryWithStagedPackages(policy: Self.policy)
        try await registry.activate(Self.id)
        #expect(try await registry.callText(Self.id, "count") == "1")
        let report = try await registry.reload(to: try await Self.stage(host, version: "2.0.0"))
        #expect(report.handedOverStateBytes == nil && report.pauseNanoseconds == 0)
        #expect(try await registry.callText(Self.id, "count") == "1", "a fresh instance: memory is not carried over")
        await registry.shutdown()
    }
}

extension HotReloadTests {
    /// The candidate's worker dies while it starts: the reload fails, and the version that serves
    /// is not touched (the registry only fails an extension for the worker that serves it).
    @Test func aCandidateWorkerThatCrashesLeavesTheServingWorkerAlone() async throws {
        let host = FixtureHost()
        _ = try await Self.stage(host, version: "1.0.0", isolation: "process")
        let (registry, _) = try await host.registryWithStagedPackages(policy: Self.policy)
        try await registry.activate(Self.id)
        let broken = try await Self.stage(host, version: "2.0.0", defines: ["FIXTURE_ACTIVATE_CRASHES": ""], isolation: "process")
        let error = try #require(await #expect(throws: ExtensionError.self) { try await registry.reload(to: broken) })
        #expect(error.code == .reloadFailed)
        #expect(error.cause?.contains("signal 11") == true || error.cause?.contains("SIGSEGV") == true, "\(error)")
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await registry.state(of: Self.id) == .active)
        #expect(try await registry.callText(Self.id, "version") == "1.0.0")
        await registry.shutdown()
    }
}

extension HotReloadTests {
    /// A health entry that answers with an error is a failed canary, not "no health entry".
    @Test func aNewVersionWhoseHealthEntryFailsNeverReplacesTheOldOne() async throws {
        let host = FixtureHost()
        _ = try await Self.stage(host, version: "1.0.0")
        let (registry, _) = try await host.registryWithStagedPackages(policy: Self.policy)
        try await registry.activate(Self.id)
        let broken = try await Self.stage(host, version: "2.0.0", defines: ["FIXTURE_HEALTH_FAILS": ""])
        let error = try #require(await #expect(throws: ExtensionError.self) { try await registry.reload(to: broken) })
        #expect(error.code == .reloadFailed)
        #expect(error.message.contains("canary"))
        #expect(error.cause?.contains("fixture health failed") == true, "\(error)")
        #expect(try await registry.callText(Self.id, "version") == "1.0.0")
        await registry.shutdown()
    }

    /// A candidate whose worker dies in its health check fails the canary; the serving worker is
    /// not touched.
    @Test func aCandidateWorkerThatCrashesInItsHealthCheckFailsTheCanary() async throws {
        let host = FixtureHost()
        _ = try await Self.stage(host, version: "1.0.0", isolation: "process")
        let (registry, _) = try await host.registryWithStagedPackages(policy: Self.policy)
        try await registry.activate(Self.id)
        let broken = try await Self.stage(host, version: "2.0.0", defines: ["FIXTURE_HEALTH_CRASHES": ""], isolation: "process")
        let error = try #require(await #expect(throws: ExtensionError.self) { try await registry.reload(to: broken) })
        #expect(error.code == .reloadFailed)
        #expect(error.message.contains("canary"))
        #expect(error.cause?.contains("isolation.worker_crashed") == true, "\(error)")
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await registry.state(of: Self.id) == .active)
        #expect(try await registry.callText(Self.id, "version") == "1.0.0")
        await registry.shutdown()
    }
}

extension HotReloadTests {
    /// An operator who deactivates the extension while its new version starts wins: nothing is
    /// swapped, the candidate is stopped, and the audit log says why.
    @Test func aDeactivationDuringTheReloadAbandonsItAndIsAudited() async throws {
        let host = FixtureHost()
        _ = try await Self.stage(host, version: "1.0.0")
        let (registry, _) = try await host.registryWithStagedPackages(policy: Self.policy, audited: true)
        try await registry.activate(Self.id)
        let slow = try await Self.stage(host, version: "2.0.0", defines: ["FIXTURE_ACTIVATE_DELAY_MS": "1000"])
        let reload = Task { () async throws(ExtensionError) in try await registry.reload(to: slow) }
        // The candidate is starting once its shadow copy exists; its activate then takes 1 s.
        let shadow = host.stateDirectory.appendingPathComponent("shadow").appendingPathComponent(Self.id)
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline,
              !((try? FileManager.default.contentsOfDirectory(atPath: shadow.path)) ?? []).contains(where: { $0.hasPrefix("2.0.0-") }) {
            try await Task.sleep(for: .milliseconds(5))
        }
        try await registry.deactivate(Self.id)
        let error = try #require(await #expect(throws: ExtensionError.self) { try await reload.value })
        #expect(error.code == .reloadFailed)
        // The reload notices while the deactivation drains or once it is done.
        #expect(error.message.contains("changed state during the reload (now inactive)")
                    || error.message.contains("changed state during the reload (now active, deactivating)"), "\(error)")
        #expect(try await registry.state(of: Self.id) == .inactive)
        #expect(try await registry.info(Self.id).manifest.version.description == "1.0.0")
        let records = try host.auditMessages(of: Self.id)
        #expect(records.contains { $0.contains("reload to 2.0.0 abandoned") }, "\(records)")
        await registry.shutdown()
    }
}

extension HotReloadTests {
    /// The running version cannot export its state: the reload fails, its handle reopens, and it
    /// serves again with its state.
    @Test func anOldVersionThatCannotExportKeepsServing() async throws {
        let host = FixtureHost()
        _ = try await Self.stage(host, version: "1.0.0", defines: Self.handOver.merging(["FIXTURE_EXPORT_FAILS": ""]) { $1 })
        let (registry, _) = try await host.registryWithStagedPackages(policy: Self.policy)
        try await registry.activate(Self.id)
        #expect(try await registry.callText(Self.id, "count") == "1")
        let error = try #require(await #expect(throws: ExtensionError.self) {
            try await registry.reload(to: try await Self.stage(host, version: "2.0.0", defines: Self.handOver))
        })
        #expect(error.code == .reloadFailed)
        #expect(error.cause?.contains("fixture cannot export") == true, "\(error)")
        #expect(try await registry.callText(Self.id, "version") == "1.0.0")
        #expect(try await registry.callText(Self.id, "count") == "2")
        await registry.shutdown()
    }

    /// One reload at a time per extension: a second one while the first starts its candidate is
    /// refused, and the first goes through.
    @Test func aSecondReloadWhileOneIsInProgressIsRefused() async throws {
        let host = FixtureHost()
        _ = try await Self.stage(host, version: "1.0.0")
        let (registry, _) = try await host.registryWithStagedPackages(policy: Self.policy)
        try await registry.activate(Self.id)
        let slow = try await Self.stage(host, version: "2.0.0", defines: ["FIXTURE_ACTIVATE_DELAY_MS": "1000"])
        let first = Task { () async throws(ExtensionError) in try await registry.reload(to: slow) }
        let shadow = host.stateDirectory.appendingPathComponent("shadow").appendingPathComponent(Self.id)
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline,
              !((try? FileManager.default.contentsOfDirectory(atPath: shadow.path)) ?? []).contains(where: { $0.hasPrefix("2.0.0-") }) {
            try await Task.sleep(for: .milliseconds(5))
        }
        let error = try #require(await #expect(throws: ExtensionError.self) { try await registry.reload(to: slow) })
        #expect(error.code == .reloadFailed)
        #expect(error.message.contains("already in progress"), "\(error)")
        #expect(try await first.value.toVersion == "2.0.0")
        #expect(try await registry.callText(Self.id, "version") == "2.0.0")
        await registry.shutdown()
    }
}
