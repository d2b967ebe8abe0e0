import Foundation
import HyperMeshManifest
import HyperMeshTestSupport
import HyperMeshTrust
import X509
import Testing

/// Every way a package can fail verification, each refused with the error code and the check
/// that failed.
@Suite struct PackageVerifierTests {
    let ca: DevelopmentCA

    init() throws {
        ca = try DevelopmentCA.generate()
    }

    var verifier: PackageVerifier { PackageVerifier(trustStore: ca.trustStore) }

    func expectRefused(_ report: VerificationReport, _ code: TrustError.Code, at check: VerificationCheck,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!report.isLoadable, sourceLocation: sourceLocation)
        #expect(report.failure?.code == code, "\(report.summary)", sourceLocation: sourceLocation)
        #expect(report.failure?.check == check, sourceLocation: sourceLocation)
        let failed = report.checks.filter { if case .failed = $0.status { true } else { false } }
        #expect(failed.map(\.check) == [check], sourceLocation: sourceLocation)
        // Checks after the failing one did not run.
        let order = VerificationCheck.allCases
        let later = report.checks.filter { order.firstIndex(of: $0.check)! > order.firstIndex(of: check)! }
        #expect(later.allSatisfy { $0.status == .notRun }, sourceLocation: sourceLocation)
    }

    @Test(arguments: SigningAlgorithm.allCases)
    func aSignedPackageVerifies(algorithm: SigningAlgorithm) async throws {
        let ca = try DevelopmentCA.generate(algorithm: algorithm)
        let package = try SignedPackageFixture()
        try ca.sign(packageAt: package.directory)
        let report = try await package.verify(with: PackageVerifier(trustStore: ca.trustStore))
        #expect(report.outcome == .verified, "\(report.checks.map(\.detail))")
        #expect(report.checks.map(\.label) == ["pass", "pass", "pass", "pass", "pass", "pass"])
        #expect(report.signer?.subject.contains("Code Signing") == true)
        #expect(report.chain.count == 2)
        #expect(report.chain.last?.fingerprint == CertificatePEM.fingerprint(ca.root))
        #expect(report.packageDigest == FileDigest.sha256Hex(of: try Data(contentsOf: package.manifestFile)))
    }

    @Test func oneByteChangedInThePayloadIsRefused() async throws {
        let package = try SignedPackageFixture()
        try ca.sign(packageAt: package.directory)
        try package.flipByte(of: "lib.so")
        expectRefused(try await package.verify(with: verifier), .fileCheckFailed, at: .files)
    }

    @Test func oneByteChangedInTheManifestIsRefused() async throws {
        let package = try SignedPackageFixture()
        try ca.sign(packageAt: package.directory)
        // Change the name's first letter: still a valid manifest with the same files.
        var text = try String(contentsOf: package.manifestFile, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"Signed\"", with: "\"Tigned\"")
        try text.write(to: package.manifestFile, atomically: true, encoding: .utf8)
        expectRefused(try await package.verify(with: verifier), .signatureInvalid, at: .signature)
    }

    @Test func aFileTheManifestDoesNotListIsRefused() async throws {
        let package = try SignedPackageFixture()
        try ca.sign(packageAt: package.directory)
        try Data("extra".utf8).write(to: package.directory.appendingPathComponent("data/extra.bin"))
        let report = try await package.verify(with: verifier)
        expectRefused(report, .fileCheckFailed, at: .files)
        #expect(report.failure?.message.contains("extra.bin") == true)
    }

    @Test func aChainEndingAtAnUntrustedRootIsRefused() async throws {
        let stranger = try DevelopmentCA.generate(name: "Stranger")
        let package = try SignedPackageFixture()
        try stranger.sign(packageAt: package.directory)
        let report = try await package.verify(with: verifier)
        expectRefused(report, .untrustedChain, at: .chain)
        #expect(report.signer?.subject.contains("Stranger") == true)
    }

    @Test func anEmptyTrustStoreSaysHowToAddARoot() async throws {
        let package = try SignedPackageFixture()
        try ca.sign(packageAt: package.directory)
        let report = try await package.verify(with: PackageVerifier(trustStore: .empty))
        expectRefused(report, .untrustedChain, at: .chain)
        #expect(report.failure?.message.contains("hypermesh trust add") == true)
    }

    func signer(notBefore: Date, notAfter: Date, usage: CertificateUsage = .codeSigning) throws -> (SigningKey, [Certificate]) {
        let key = SigningKey.generate()
        let certificate = try CertificateAuthority.issue(commonName: "Author", publicKey: key.publicKey, usage: usage,
                                                         issuer: ca.root, issuerKey: ca.rootKey, notBefore: notBefore, notAfter: notAfter)
        return (key, [certificate])
    }

    @Test func anExpiredCertificateIsRefused() async throws {
        let (key, chain) = try signer(notBefore: Date().addingTimeInterval(-7200), notAfter: Date().addingTimeInterval(-3600))
        let package = try SignedPackageFixture()
        try PackageSigner.sign(packageAt: package.directory, key: key, chain: chain)
        expectRefused(try await package.verify(with: verifier), .certificateExpired, at: .validity)
    }

    @Test func aNotYetValidCertificateIsRefused() async throws {
        let (key, chain) = try signer(notBefore: Date().addingTimeInterval(3600), notAfter: Date().addingTimeInterval(7200))
        let package = try SignedPackageFixture()
        try PackageSigner.sign(packageAt: package.directory, key: key, chain: chain)
        expectRefused(try await package.verify(with: verifier), .certificateNotYetValid, at: .validity)
    }

    @Test func aCertificateValidOnceIsRefusedLaterByTheInjectedClock() async throws {
        let package = try SignedPackageFixture()
        try ca.sign(packageAt: package.directory)
        let inTwoYears = Date().addingTimeInterval(2 * 365 * 24 * 3600)
        let report = try await package.verify(with: PackageVerifier(trustStore: ca.trustStore, clock: { inTwoYears }))
        expectRefused(report, .certificateExpired, at: .validity)
    }

    @Test func aCertificateWithoutCodeSigningUsageIsRefused() async throws {
        let (key, chain) = try signer(notBefore: Date().addingTimeInterval(-60), notAfter: Date().addingTimeInterval(3600),
                                      usage: .serverAuthentication)
        let package = try SignedPackageFixture()
        try PackageSigner.sign(packageAt: package.directory, key: key, chain: chain)
        expectRefused(try await package.verify(with: verifier), .notForCodeSigning, at: .codeSigning)
    }

    @Test func anIntermediateChainVerifies() async throws {
        let intermediateKey = SigningKey.generate(.p256)
        let intermediate = try CertificateAuthority.issue(commonName: "Team CA", publicKey: intermediateKey.publicKey, usage: .intermediate,
                                                          issuer: ca.root, issuerKey: ca.rootKey)
        let key = SigningKey.generate()
        let leaf = try CertificateAuthority.issue(commonName: "Team Author", publicKey: key.publicKey, issuer: intermediate, issuerKey: intermediateKey)
        let package = try SignedPackageFixture()
        try PackageSigner.sign(packageAt: package.directory, key: key, chain: [leaf, intermediate])
        let report = try await package.verify(with: verifier)
        #expect(report.outcome == .verified, "\(report.summary)")
        #expect(report.chain.map(\.subject).count == 3)
    }

    @Test func aMissingSignatureIsRefusedUnlessUnsignedIsAllowed() async throws {
        let package = try SignedPackageFixture()
        expectRefused(try await package.verify(with: verifier), .signatureMissing, at: .signature)
        let allowed = try await package.verify(with: PackageVerifier(trustStore: ca.trustStore, allowUnsigned: true))
        #expect(allowed.outcome == .unsignedAllowed)
        #expect(allowed.isLoadable)
        #expect(allowed.checks.map(\.label) == ["pass", "skip", "skip", "skip", "skip", "pass"])
    }

    @Test func allowingUnsignedNeverWaivesABadSignature() async throws {
        let package = try SignedPackageFixture()
        try ca.sign(packageAt: package.directory)
        let stranger = try DevelopmentCA.generate(name: "Stranger")
        let report = try await package.verify(with: PackageVerifier(trustStore: stranger.trustStore, allowUnsigned: true))
        expectRefused(report, .untrustedChain, at: .chain)
    }

    @Test func aSignatureCopiedFromAnotherPackageIsRefused() async throws {
        let original = try SignedPackageFixture(id: "org.tests.original")
        let other = try SignedPackageFixture(id: "org.tests.other")
        try ca.sign(packageAt: original.directory)
        try FileManager.default.copyItem(at: original.signatureFile, to: other.signatureFile)
        expectRefused(try await other.verify(with: verifier), .signatureInvalid, at: .signature)
    }

    @Test func aGarbledSignatureFileIsMalformed() async throws {
        let package = try SignedPackageFixture()
        try Data("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n".utf8).write(to: package.signatureFile)
        expectRefused(try await package.verify(with: verifier), .signatureMalformed, at: .signature)
        // A signature block without a certificate after it.
        try Data("-----BEGIN HYPERMESH SIGNATURE-----\nAAAA\n-----END HYPERMESH SIGNATURE-----\n".utf8).write(to: package.signatureFile)
        expectRefused(try await package.verify(with: verifier), .signatureMalformed, at: .signature)
    }

    @Test func signingWithAKeyThatIsNotTheCertificatesIsRefused() throws {
        let package = try SignedPackageFixture()
        let error = #expect(throws: TrustError.self) {
            try PackageSigner.sign(packageAt: package.directory, key: SigningKey.generate(), chain: [ca.signingCertificate])
        }
        #expect(error?.code == .keyMismatch)
        #expect(!FileManager.default.fileExists(atPath: package.signatureFile.path))
    }

    @Test func signingAPackageWithStaleDigestsIsRefused() throws {
        let package = try SignedPackageFixture()
        try package.flipByte(of: "data/notes.txt")
        let error = #expect(throws: TrustError.self) { try ca.sign(packageAt: package.directory) }
        #expect(error?.code == .fileCheckFailed)
    }

    @Test func repeatedVerificationUsesTheCachedChainAndStillChecksEverythingElse() async throws {
        let package = try SignedPackageFixture()
        try ca.sign(packageAt: package.directory)
        let verifier = verifier
        #expect(try await package.verify(with: verifier).outcome == .verified)
        #expect(try await package.verify(with: verifier).outcome == .verified)
        try package.flipByte(of: "lib.so")
        expectRefused(try await package.verify(with: verifier), .fileCheckFailed, at: .files)
    }
}
