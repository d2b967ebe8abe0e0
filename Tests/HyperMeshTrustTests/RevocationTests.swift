import Foundation
import HyperMeshTestSupport
import HyperMeshTrust
import Testing

/// The revocation list: revoked certificates and package digests, and a list that is not signed
/// by a trusted root (which fails every verification: fail closed).
@Suite struct RevocationTests {
    let ca: DevelopmentCA
    let storeDirectory = ExtensionBuilder.temporaryDirectory().appendingPathComponent("trust")

    init() throws {
        ca = try DevelopmentCA.generate()
        try TrustStore.addRoot(ca.root, to: storeDirectory)
    }

    func verifier() throws -> PackageVerifier {
        PackageVerifier(trustStore: try TrustStore.load(from: storeDirectory))
    }

    func signedPackage() throws -> SignedPackageFixture {
        let package = try SignedPackageFixture()
        try ca.sign(packageAt: package.directory)
        return package
    }

    @Test func aStoreWithoutAListVerifies() async throws {
        let store = try TrustStore.load(from: storeDirectory)
        #expect(store.roots.count == 1)
        #expect(store.revocations == nil && store.revocationProblem == nil)
        #expect(try await signedPackage().verify(with: verifier()).outcome == .verified)
    }

    @Test func aRevokedCertificateIsRefused() async throws {
        let package = try signedPackage()
        let list = RevocationList(certificates: [CertificatePEM.fingerprint(ca.signingCertificate)])
        try TrustStore.writeRevocations(list, rootKey: ca.rootKey, root: ca.root, to: storeDirectory)
        let report = try await package.verify(with: verifier())
        #expect(report.failure?.code == .certificateRevoked)
        #expect(report.failure?.check == .revocation)
    }

    @Test func aRevokedPackageDigestIsRefusedAndOthersStillLoad() async throws {
        let package = try signedPackage()
        let other = try SignedPackageFixture(id: "org.tests.other")
        try ca.sign(packageAt: other.directory)
        let digest = FileDigest.sha256Hex(of: try Data(contentsOf: package.manifestFile))
        try TrustStore.writeRevocations(RevocationList(packages: [digest]), rootKey: ca.rootKey, root: ca.root, to: storeDirectory)
        let report = try await package.verify(with: verifier())
        #expect(report.failure?.code == .packageRevoked)
        #expect(report.failure?.check == .revocation)
        #expect(try await other.verify(with: verifier()).outcome == .verified)
    }

    @Test func aRevokedPackageIsRefusedEvenWhenUnsignedPackagesAreAllowed() async throws {
        let package = try SignedPackageFixture()
        let digest = FileDigest.sha256Hex(of: try Data(contentsOf: package.manifestFile))
        try TrustStore.writeRevocations(RevocationList(packages: [digest]), rootKey: ca.rootKey, root: ca.root, to: storeDirectory)
        let report = try await package.verify(with: PackageVerifier(trustStore: try TrustStore.load(from: storeDirectory), allowUnsigned: true))
        #expect(report.failure?.code == .packageRevoked)
    }

    @Test func aListSignedByAnUntrustedKeyFailsEveryVerification() async throws {
        let package = try signedPackage()
        // Write a list signed by a stranger's root directly into the store.
        let stranger = try DevelopmentCA.generate(name: "Stranger")
        let data = RevocationList().encoded()
        try data.write(to: storeDirectory.appendingPathComponent(RevocationList.fileName))
        let signature = try PackageSignature.sign(data, key: stranger.rootKey, chain: [stranger.root])
        try Data(signature.pemEncoded().utf8).write(to: storeDirectory.appendingPathComponent(RevocationList.signatureFileName))
        let store = try TrustStore.load(from: storeDirectory)
        #expect(store.revocationProblem?.code == .revocationListUntrusted)
        let report = try await package.verify(with: PackageVerifier(trustStore: store))
        #expect(report.failure?.code == .revocationListUntrusted)
        #expect(report.failure?.check == .revocation)
    }

    @Test func anEditedListFailsClosed() async throws {
        let package = try signedPackage()
        try TrustStore.writeRevocations(RevocationList(packages: [String(repeating: "a", count: 64)]),
                                        rootKey: ca.rootKey, root: ca.root, to: storeDirectory)
        // Someone removes the entry without re-signing.
        try RevocationList().encoded().write(to: storeDirectory.appendingPathComponent(RevocationList.fileName))
        #expect(try await package.verify(with: verifier()).failure?.code == .revocationListUntrusted)
    }

    @Test func aListWithoutItsSignatureFailsClosed() async throws {
        try RevocationList().encoded().write(to: storeDirectory.appendingPathComponent(RevocationList.fileName))
        #expect(try await signedPackage().verify(with: verifier()).failure?.code == .revocationListUntrusted)
    }

    @Test func onlyARootOfTheStoreMaySignTheList() throws {
        let stranger = try DevelopmentCA.generate(name: "Stranger")
        let error = #expect(throws: TrustError.self) {
            try TrustStore.writeRevocations(RevocationList(), rootKey: stranger.rootKey, root: stranger.root, to: storeDirectory)
        }
        #expect(error?.code == .revocationListUntrusted)
    }

    @Test(arguments: [
        "[]", "{\"format\": 2, \"issued\": \"2026-01-01T00:00:00Z\"}",
        "{\"format\": 1, \"issued\": \"yesterday\"}",
        "{\"format\": 1, \"issued\": \"2026-01-01T00:00:00Z\", \"packages\": [\"abc\"]}",
        "{\"format\": 1, \"issued\": \"2026-01-01T00:00:00Z\", \"extra\": true}",
    ])
    func malformedListsAreRefused(text: String) {
        let error = #expect(throws: TrustError.self) { _ = try RevocationList(decoding: Data(text.utf8), source: "test") }
        #expect(error?.code == .revocationListMalformed)
    }

    @Test func theEncodingRoundTrips() throws {
        let list = RevocationList(issued: Date(timeIntervalSince1970: 1_800_000_000),
                                  certificates: [String(repeating: "B", count: 64)], packages: [String(repeating: "c", count: 64)])
        let decoded = try RevocationList(decoding: list.encoded(), source: "test")
        #expect(decoded == list)
        #expect(decoded.certificates.first == String(repeating: "b", count: 64))
    }
}
