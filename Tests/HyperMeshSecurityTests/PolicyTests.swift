import Foundation
import Testing
import HyperMeshManifest
import HyperMeshSecurity

@Suite struct PolicyTests {
    let manifest = Manifest(id: "org.example.tool", name: "Tool", version: SemanticVersion(1, 0, 0), kind: .native,
                            entry: "lib.so", abi: ABIRange(min: 1, max: 1), category: "tools",
                            capabilities: [.storage, .events, .networkAccess], quotas: Quotas(storageBytes: 1_000, operationsPerSecond: 50))

    @Test func theEmptyPolicyGrantsNothingAndLeavesEverythingPending() {
        let grant = SecurityPolicy.denyAll.grant(for: manifest, signer: nil)
        #expect(grant.granted.isEmpty)
        #expect(grant.pending == [.storage, .events, .networkAccess])
        #expect(!grant.isSettled)
    }

    @Test func allowsAddUpAcrossLevelsAndADenyAnywhereWins() {
        let policy = SecurityPolicy(
            defaults: PolicyRule(allow: [.events]),
            signers: ["abc": PolicyRule(allow: [.storage, .networkAccess])],
            extensions: ["org.example.tool": PolicyRule(deny: [.networkAccess])])
        let signed = policy.grant(for: manifest, signer: "abc")
        #expect(signed.granted == [.events, .storage])
        #expect(signed.refused == [.networkAccess])
        #expect(signed.isSettled)
        let otherSigner = policy.grant(for: manifest, signer: "def")
        #expect(otherSigner.granted == [.events])
        #expect(otherSigner.pending == [.storage])
    }

    @Test func capabilitiesNotDeclaredAreNeverGranted() {
        let policy = SecurityPolicy(defaults: PolicyRule(allow: Set(Capability.allCases)))
        #expect(policy.grant(for: manifest, signer: nil).granted == [.storage, .events, .networkAccess])
    }

    @Test func quotaOverridesGoFromGeneralToSpecific() {
        let policy = SecurityPolicy(
            defaults: PolicyRule(quotas: Quotas(storageBytes: 10, networkBytes: 5)),
            signers: ["abc": PolicyRule(quotas: Quotas(storageBytes: 20))],
            extensions: ["org.example.tool": PolicyRule(quotas: Quotas(storageBytes: 30))])
        let quotas = policy.quotas(for: manifest, signer: "abc")
        #expect(quotas.storageBytes == 30)
        #expect(quotas.networkBytes == 5)
        #expect(quotas.operationsPerSecond == 50)
        #expect(policy.quotas(for: manifest, signer: nil).storageBytes == 30)
        #expect(SecurityPolicy.denyAll.quotas(for: manifest, signer: nil) == manifest.quotas)
    }

    @Test func theCPUShareIsOverriddenHostWideAndPerExtension() throws {
        let declaring = Manifest(id: "org.example.tool", name: "Tool", version: SemanticVersion(1, 0, 0), kind: .native,
                                 entry: "lib.so", abi: ABIRange(min: 1, max: 1), category: "tools", quotas: Quotas(cpuPercent: 80))
        let hostWide = SecurityPolicy(defaults: PolicyRule(quotas: Quotas(cpuPercent: 50)))
        #expect(hostWide.quotas(for: declaring, signer: nil).cpuPercent == 50)
        #expect(hostWide.quotas(for: manifest, signer: nil).cpuPercent == 50)
        let perExtension = try PolicyFile.decode(Data(#"""
            {"defaults": {"quotas": {"cpuPercent": 50}}, "extensions": {"org.example.tool": {"quotas": {"cpuPercent": 10}}}}
            """#.utf8))
        #expect(perExtension.quotas(for: declaring, signer: nil).cpuPercent == 10)
        #expect(SecurityPolicy.denyAll.quotas(for: declaring, signer: nil).cpuPercent == 80)
    }

    @Test func grantingMovesACapabilityOutOfTheDenyList() {
        var policy = SecurityPolicy()
        policy.deny([.storage], for: "org.example.tool")
        policy.allow([.storage, .events], for: "org.example.tool")
        let grant = policy.grant(for: manifest, signer: nil)
        #expect(grant.granted == [.storage, .events])
        #expect(grant.pending == [.networkAccess])
    }

    @Test func theFileRoundTrips() throws {
        let policy = SecurityPolicy(
            defaults: PolicyRule(allow: [.events], anomaly: AnomalySettings(deviations: 4, minimumRelativeDeviation: 0.25, action: .throttle, throttleRate: 3)),
            signers: ["0123": PolicyRule(allow: [.storage], quotas: Quotas(cpuMillisecondsTotal: 9_000))],
            extensions: ["org.example.tool": PolicyRule(
                deny: [.networkAccess], quotas: Quotas(storageBytes: 0, concurrency: 2, cpuPercent: 25),
                violations: ViolationSettings(windowSeconds: 30, threshold: 5, thresholds: [.rateLimited: 50]))],
            supervision: SupervisionSettings(maxFailures: 3, windowSeconds: 10, initialDelayMilliseconds: 50, delayFactor: 3, maxDelayMilliseconds: 900),
            isolatedWorkers: WorkerIsolationSettings(requiredLayers: ["landlock", "seccomp"], memoryBytes: 256 << 20, threads: 64, uid: 65534, gid: 65534))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = PolicyFile.defaultLocation(stateDirectory: folder)
        try PolicyFile.save(policy, to: file)
        #expect(try PolicyFile.load(from: file) == policy)
    }

    @Test func supervisionFieldsHaveDefaults() throws {
        let policy = try PolicyFile.decode(Data(#"{"supervision": {"maxFailures": 2}}"#.utf8))
        #expect(policy.supervision == SupervisionSettings(maxFailures: 2))
        #expect(try PolicyFile.decode(Data("{}".utf8)).supervision == nil)
    }

    /// Isolated workers' ceilings default to 512 MiB, 16 MiB files and 256 threads; required
    /// layers add up from the section and every rule that applies.
    @Test func isolatedWorkersHaveCeilingsAndRequiredLayersAddUp() throws {
        let policy = try PolicyFile.decode(Data(#"""
            {"isolatedWorkers": {"requiredLayers": ["seccomp"]},
             "defaults": {"requiredIsolationLayers": ["landlock"]},
             "extensions": {"org.x": {"requiredIsolationLayers": ["namespaces"]}}}
            """#.utf8))
        let workers = try #require(policy.isolatedWorkers)
        #expect(workers.memoryBytes == 512 << 20 && workers.fileSizeBytes == 16 << 20 && workers.threads == 256)
        #expect(workers.uid == nil)
        #expect(policy.requiredIsolationLayers(extensionID: "org.x", signer: nil) == ["seccomp", "landlock", "namespaces"])
        #expect(policy.requiredIsolationLayers(extensionID: "org.y", signer: nil) == ["seccomp", "landlock"])
        #expect(SecurityPolicy().requiredIsolationLayers(extensionID: "org.y", signer: nil).isEmpty)
    }

    @Test func aMissingFileIsTheDenyAllPolicy() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString).json")
        #expect(try PolicyFile.load(from: file) == .denyAll)
    }

    @Test(arguments: [
        (#"{"extensions": {"org.x": {"allow": ["storage", "telepathy"]}}}"#, PolicyError.Code.badValue, "extensions.org.x.allow[1]"),
        (#"{"extension": {}}"#, .unknownKey, "extension"),
        (#"{"defaults": {"alow": []}}"#, .unknownKey, "defaults.alow"),
        (#"{"defaults": {"allow": "storage"}}"#, .invalidJSON, "defaults.allow"),
        (#"{"defaults": {"quotas": {"storageBytes": -1}}}"#, .badValue, "defaults.quotas.storageBytes"),
        (#"{"defaults": {"quotas": {"concurrency": 0}}}"#, .badValue, "defaults.quotas.concurrency"),
        (#"{"defaults": {"quotas": {"cpuPercent": 0}}}"#, .badValue, "defaults.quotas.cpuPercent"),
        (#"{"defaults": {"quotas": {"cpuPercent": 101}}}"#, .badValue, "defaults.quotas.cpuPercent"),
        (#"{"defaults": {"quotas": {"storageBytes": true}}}"#, .invalidJSON, "defaults.quotas.storageBytes"),
        (#"{"defaults": {"anomaly": {"action": "explode"}}}"#, .badValue, "defaults.anomaly.action"),
        (#"{"defaults": {"anomaly": {"minimumRelativeDeviation": -0.1}}}"#, .badValue, "defaults.anomaly.minimumRelativeDeviation"),
        (#"{"defaults": {"violations": {"thresholds": {"sneezing": 3}}}}"#, .badValue, "defaults.violations.thresholds"),
        (#"{"defaults": {"violations": {"windowSeconds": 0}}}"#, .badValue, "defaults.violations.windowSeconds"),
        (#"{"supervision": {"maxFailures": 0}}"#, .badValue, "supervision.maxFailures"),
        (#"{"supervision": {"restarts": "yes"}}"#, .invalidJSON, "supervision.restarts"),
        (#"{"supervision": {"windowSeconds": 1e9}}"#, .badValue, "supervision.windowSeconds"),
        (#"{"supervision": {"backoff": 1}}"#, .unknownKey, "supervision.backoff"),
        (#"{"isolatedWorkers": {"requiredLayers": ["landlock", "prayer"]}}"#, .badValue, "isolatedWorkers.requiredLayers[1]"),
        (#"{"isolatedWorkers": {"memoryBytes": 1024}}"#, .badValue, "isolatedWorkers.memoryBytes"),
        (#"{"isolatedWorkers": {"uid": 1000}}"#, .badValue, "isolatedWorkers"),
        (#"{"isolatedWorkers": {"threads": 0}}"#, .badValue, "isolatedWorkers.threads"),
        (#"{"defaults": {"requiredIsolationLayers": ["chroot"]}}"#, .badValue, "defaults.requiredIsolationLayers[0]"),
        (#"[1, 2]"#, .invalidJSON, "$"),
    ])
    func badFilesAreRefusedWithTheirPath(_ text: String, _ code: PolicyError.Code, _ path: String) {
        #expect {
            try PolicyFile.decode(Data(text.utf8))
        } throws: { error in
            guard let error = error as? PolicyError else { return false }
            return error.code == code && error.path == path
        }
    }

    @Test func notJSONIsATypedError() {
        #expect(throws: PolicyError.self) { try PolicyFile.decode(Data("allow everything".utf8)) }
    }

    @Test func settingsComeFromTheMostSpecificRule() {
        let policy = SecurityPolicy(
            defaults: PolicyRule(anomaly: AnomalySettings(action: .log), violations: ViolationSettings(threshold: 7)),
            extensions: ["org.example.tool": PolicyRule(anomaly: AnomalySettings(action: .suspend))])
        #expect(policy.anomalySettings(extensionID: "org.example.tool", signer: nil).action == .suspend)
        #expect(policy.anomalySettings(extensionID: "org.example.other", signer: nil).action == .log)
        #expect(policy.violationSettings(extensionID: "org.example.tool", signer: nil).threshold == 7)
        #expect(SecurityPolicy.denyAll.violationSettings(extensionID: "x", signer: nil) == .standard)
    }
}
