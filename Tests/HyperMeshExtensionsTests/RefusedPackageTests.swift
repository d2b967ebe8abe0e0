import Foundation
import HyperMeshExtensions
import HyperMeshTestSupport
import HyperMeshTrust
import Testing

/// Every way verification refuses a package, through discovery and the registry: each is reported
/// with a typed error naming the failed check, the registry never sees it, and its library is
/// never mapped. A good package beside it loads.
@Suite struct RefusedPackageTests {
    enum Scenario: String, CaseIterable, Sendable {
        case payloadByte, manifestByte, unlistedFile, untrustedRoot, expired, notYetValid, notForCodeSigning
        case revokedCertificate, revokedPackage, untrustedRevocationList, missingSignature, copiedSignature

        var expected: (code: TrustError.Code, check: VerificationCheck) {
            switch self {
            case .payloadByte, .unlistedFile: (.fileCheckFailed, .files)
            case .manifestByte, .copiedSignature: (.signatureInvalid, .signature)
            case .missingSignature: (.signatureMissing, .signature)
            case .untrustedRoot: (.untrustedChain, .chain)
            case .expired: (.certificateExpired, .validity)
            case .notYetValid: (.certificateNotYetValid, .validity)
            case .notForCodeSigning: (.notForCodeSigning, .codeSigning)
            case .revokedCertificate: (.certificateRevoked, .revocation)
            case .revokedPackage: (.packageRevoked, .revocation)
            case .untrustedRevocationList: (.revocationListUntrusted, .revocation)
            }
        }
    }

    @Test(arguments: Scenario.allCases)
    func refusedWithTheFailedCheckAndNeverMapped(scenario: Scenario) async throws {
        let host = FixtureHost()
        let ca = try DevelopmentCA.generate(name: "Refusal Tests")
        let trustDirectory = host.root.appendingPathComponent("trust")
        try TrustStore.addRoot(ca.root, to: trustDirectory)
        let good = try host.stageFixture(id: "org.tests.good")
        try ca.sign(packageAt: good)
        let bad = try host.stageFixture(id: "org.tests.bad")
        try prepare(scenario, package: bad, ca: ca, trustDirectory: trustDirectory, host: host)

        let verifier = PackageVerifier(trustStore: try TrustStore.load(from: trustDirectory))
        let discovery = await ExtensionDiscovery.discover(in: [host.extensionsDirectory], verifier: verifier)
        let registry = try host.makeRegistry()
        await registry.registerAll(discovery)

        if scenario == .untrustedRevocationList {
            // Fail closed: the good package is refused too.
            #expect(discovery.packages.isEmpty)
        } else {
            #expect(discovery.packages.map(\.manifest.id) == ["org.tests.good"])
            try await registry.activate("org.tests.good")
            #expect(try await registry.callText("org.tests.good", "echo", "still here") == "still here")
        }
        let problem = try #require(discovery.problems.first { $0.error.extensionID == "org.tests.bad" })
        #expect(problem.error.code == (scenario.expected.code == .fileCheckFailed ? .invalidPackage : .untrustedPackage))
        #expect(problem.verification?.failure?.code == scenario.expected.code, "\(problem.error)")
        #expect(problem.verification?.failure?.check == scenario.expected.check)
        #expect(problem.error.cause?.contains(scenario.expected.code.rawValue) == true)
        #expect(!(await registry.registeredIDs.contains("org.tests.bad")))
        await #expect(throws: ExtensionError.self) { try await registry.activate("org.tests.bad") }
        let library = bad.appendingPathComponent("libfixture.so").path
        #expect(dlopen(library, RTLD_NOW | RTLD_NOLOAD) == nil, "the refused library was mapped")
        await registry.shutdown()
    }

    private func prepare(_ scenario: Scenario, package: URL, ca: DevelopmentCA, trustDirectory: URL, host: FixtureHost) throws {
        let manifestFile = package.appendingPathComponent("extension.json")
        func signWithCertificate(notBefore: Date, notAfter: Date, usage: CertificateUsage = .codeSigning) throws {
            let key = SigningKey.generate()
            let certificate = try CertificateAuthority.issue(commonName: "Author", publicKey: key.publicKey, usage: usage,
                                                             issuer: ca.root, issuerKey: ca.rootKey, notBefore: notBefore, notAfter: notAfter)
            try PackageSigner.sign(packageAt: package, key: key, chain: [certificate])
        }
        let hour: TimeInterval = 3600
        switch scenario {
        case .payloadByte:
            try ca.sign(packageAt: package)
            let payload = package.appendingPathComponent("libfixture.so")
            var bytes = try Data(contentsOf: payload)
            bytes[bytes.count - 1] ^= 0x01
            try bytes.write(to: payload)
        case .manifestByte:
            try ca.sign(packageAt: package)
            let text = try String(contentsOf: manifestFile, encoding: .utf8).replacingOccurrences(of: "Fixture org", with: "Fixturf org")
            try text.write(to: manifestFile, atomically: true, encoding: .utf8)
        case .unlistedFile:
            try ca.sign(packageAt: package)
            try Data("extra".utf8).write(to: package.appendingPathComponent("extra.so"))
        case .untrustedRoot:
            try DevelopmentCA.generate(name: "Stranger").sign(packageAt: package)
        case .expired:
            try signWithCertificate(notBefore: Date().addingTimeInterval(-2 * hour), notAfter: Date().addingTimeInterval(-hour))
        case .notYetValid:
            try signWithCertificate(notBefore: Date().addingTimeInterval(hour), notAfter: Date().addingTimeInterval(2 * hour))
        case .notForCodeSigning:
            try signWithCertificate(notBefore: Date().addingTimeInterval(-hour), notAfter: Date().addingTimeInterval(hour), usage: .serverAuthentication)
        case .revokedCertificate:
            try signWithCertificate(notBefore: Date().addingTimeInterval(-hour), notAfter: Date().addingTimeInterval(hour))
            let signer = try PackageSignature(contentsOf: package.appendingPathComponent(PackageSignature.fileName)).signer
            try TrustStore.writeRevocations(RevocationList(certificates: [CertificatePEM.fingerprint(signer)]),
                                            rootKey: ca.rootKey, root: ca.root, to: trustDirectory)
        case .revokedPackage:
            try ca.sign(packageAt: package)
            let digest = FileDigest.sha256Hex(of: try Data(contentsOf: manifestFile))
            try TrustStore.writeRevocations(RevocationList(packages: [digest]), rootKey: ca.rootKey, root: ca.root, to: trustDirectory)
        case .untrustedRevocationList:
            try ca.sign(packageAt: package)
            let stranger = try DevelopmentCA.generate(name: "Stranger")
            let list = RevocationList().encoded()
            try list.write(to: trustDirectory.appendingPathComponent(RevocationList.fileName))
            let signature = try PackageSignature.sign(list, key: stranger.rootKey, chain: [stranger.root])
            try Data(signature.pemEncoded().utf8).write(to: trustDirectory.appendingPathComponent(RevocationList.signatureFileName))
        case .missingSignature:
            break
        case .copiedSignature:
            let other = try host.stageFixture(id: "org.tests.other")
            try ca.sign(packageAt: other)
            try FileManager.default.copyItem(at: other.appendingPathComponent(PackageSignature.fileName),
                                             to: package.appendingPathComponent(PackageSignature.fileName))
            try FileManager.default.removeItem(at: other)
        }
    }
}
