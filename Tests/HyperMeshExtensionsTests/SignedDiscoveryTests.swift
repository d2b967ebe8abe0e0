import Foundation
import HyperMeshExtensions
import HyperMeshState
import HyperMeshTestSupport
import HyperMeshTrust
import Logging
import Synchronization
import Testing

/// Discovery verifies every package before the registry sees it: signed packages load, refused
/// ones are reported with the failing check and nothing of them is mapped.
@Suite struct SignedDiscoveryTests {
    let host = FixtureHost()
    let ca: DevelopmentCA

    init() throws {
        ca = try DevelopmentCA.generate(name: "Discovery Tests")
    }

    func payloadIsMapped(_ package: URL) -> Bool {
        guard let handle = dlopen(package.appendingPathComponent("libfixture.so").path, RTLD_NOW | RTLD_NOLOAD) else { return false }
        dlclose(handle)
        return true
    }

    @Test func aSignedPackageIsVerifiedRegisteredAndCallable() async throws {
        let package = try host.stageFixture(id: "org.tests.signed")
        try ca.sign(packageAt: package)
        let registry = try host.makeRegistry()
        let discovery = await ExtensionDiscovery.discover(in: [host.extensionsDirectory], verifier: PackageVerifier(trustStore: ca.trustStore))
        #expect(discovery.problems.isEmpty, "\(discovery.problems)")
        #expect(await registry.registerAll(discovery).isEmpty)
        try await registry.activate("org.tests.signed")
        #expect(try await registry.callText("org.tests.signed", "echo", "ok") == "ok")
        let info = try await registry.info("org.tests.signed")
        #expect(info.verification.outcome == .verified)
        #expect(info.verification.signer?.subject.contains("Discovery Tests Code Signing") == true)
        await registry.shutdown()
    }

    @Test func refusedPackagesAreReportedAndNeverMapped() async throws {
        let good = try host.stageFixture(id: "org.tests.good")
        try ca.sign(packageAt: good)
        let tampered = try host.stageFixture(id: "org.tests.tampered")
        try ca.sign(packageAt: tampered)
        var bytes = try Data(contentsOf: tampered.appendingPathComponent("libfixture.so"))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: tampered.appendingPathComponent("libfixture.so"))
        let foreign = try host.stageFixture(id: "org.tests.foreign")
        try DevelopmentCA.generate(name: "Stranger").sign(packageAt: foreign)
        let unsigned = try host.stageFixture(id: "org.tests.unsigned")

        let registry = try host.makeRegistry()
        let discovery = await ExtensionDiscovery.discover(in: [host.extensionsDirectory], verifier: PackageVerifier(trustStore: ca.trustStore))
        #expect(discovery.packages.map(\.manifest.id) == ["org.tests.good"])
        let problems = Dictionary(uniqueKeysWithValues: discovery.problems.map { ($0.error.extensionID ?? "?", $0) })
        #expect(problems["org.tests.tampered"]?.error.code == .invalidPackage)
        #expect(problems["org.tests.tampered"]?.verification?.failure?.check == .files)
        #expect(problems["org.tests.foreign"]?.error.code == .untrustedPackage)
        #expect(problems["org.tests.foreign"]?.verification?.failure?.code == .untrustedChain)
        #expect(problems["org.tests.unsigned"]?.verification?.failure?.code == .signatureMissing)
        #expect(problems["org.tests.unsigned"]?.error.cause?.contains("trust.signature_missing") == true)

        await registry.registerAll(discovery)
        try await registry.activate("org.tests.good")
        for id in ["org.tests.tampered", "org.tests.foreign", "org.tests.unsigned"] {
            await #expect(throws: ExtensionError.self) { try await registry.activate(id) }
        }
        #expect(payloadIsMapped(good))
        #expect(!payloadIsMapped(tampered))
        #expect(!payloadIsMapped(foreign))
        #expect(!payloadIsMapped(unsigned))
        await registry.shutdown()
    }

    @Test func registeringAnUnsignedPackageIsLogged() async throws {
        try host.stageFixture(id: "org.tests.dev")
        let records = LogRecords()
        let logger = Logger(label: "test") { _ in records.handler() }
        let registry = ExtensionRegistry(stateStore: try StateStore(directory: host.stateDirectory), policy: TestPolicy.grantingEverythingDeclared, logger: logger)
        await registry.registerAll(await ExtensionDiscovery.discover(in: [host.extensionsDirectory], verifier: TestTrust.allowingUnsigned))
        let warnings = records.messages.filter { $0.level == .warning }
        #expect(warnings.contains { $0.text.contains("UNSIGNED") && $0.extensionID == "org.tests.dev" })
        #expect(try await registry.info("org.tests.dev").verification.outcome == .unsignedAllowed)
    }
}

/// Collects log messages for assertions.
final class LogRecords: Sendable {
    struct Record: Sendable {
        let level: Logger.Level
        let text: String
        let extensionID: String?
    }

    private let records = Mutex<[Record]>([])
    var messages: [Record] { records.withLock { $0 } }

    func handler() -> some LogHandler { Handler(records: self) }

    fileprivate func append(_ record: Record) { records.withLock { $0.append(record) } }

    private struct Handler: LogHandler {
        let records: LogRecords
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = self.metadata.merging(event.metadata ?? [:]) { $1 }
            records.append(Record(level: event.level, text: "\(event.message)", extensionID: merged["extension"].map { "\($0)" }))
        }
    }
}
