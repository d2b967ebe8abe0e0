import Foundation
import HyperMeshManifest
import HyperMeshTestSupport
import HyperMeshTrust
import Testing

/// `extension.sig` is bounded (bytes and certificates) and over the bounds it is refused before
/// any certificate is parsed.
@Suite struct SignatureBoundsTests {
    let ca: DevelopmentCA

    init() throws {
        ca = try DevelopmentCA.generate()
    }

    /// The signature block and the signer's certificate of a real signature over `manifest`, and
    /// one certificate block on its own.
    func signatureAndCertificateBlock(over manifest: Data) throws -> (pem: String, certificate: String) {
        let pem = try PackageSignature.sign(manifest, key: ca.signingKey, chain: [ca.signingCertificate]).pemEncoded()
        let start = try #require(pem.range(of: "-----BEGIN CERTIFICATE-----"))
        return (pem, String(pem[start.lowerBound...]))
    }

    @Test func aValidSignatureFollowedByTwentyThousandCertificatesIsRefusedAsTooLarge() async throws {
        let package = try SignedPackageFixture()
        let manifest = try Data(contentsOf: package.manifestFile)
        let (pem, certificate) = try signatureAndCertificateBlock(over: manifest)
        var padded = pem
        padded.reserveCapacity(pem.utf8.count + 20_000 * certificate.utf8.count)
        for _ in 0..<20_000 { padded += certificate }
        try Data(padded.utf8).write(to: package.signatureFile)

        let error = #expect(throws: TrustError.self) { _ = try PackageSignature(contentsOf: package.signatureFile) }
        #expect(error?.code == .signatureTooLarge, "\(String(describing: error))")
        let report = try await package.verify(with: PackageVerifier(trustStore: ca.trustStore))
        #expect(!report.isLoadable)
        #expect(report.failure?.code == .signatureTooLarge, "\(report.summary)")
        #expect(report.failure?.check == .signature)
    }

    @Test func moreThanEightCertificatesAreRefusedEvenWhenTheFileIsSmall() throws {
        let (pem, certificate) = try signatureAndCertificateBlock(over: Data("{}".utf8))
        let nine = pem + String(repeating: certificate, count: 8)
        #expect(nine.utf8.count <= PackageSignature.maximumFileBytes)
        let error = #expect(throws: TrustError.self) { _ = try PackageSignature(pemEncoded: nine, source: "extension.sig") }
        #expect(error?.code == .signatureTooLarge)
        #expect(error?.message.contains("9 certificates") == true, "\(String(describing: error))")
    }

    @Test func eightCertificatesAreStillAccepted() throws {
        let (pem, certificate) = try signatureAndCertificateBlock(over: Data("{}".utf8))
        let eight = pem + String(repeating: certificate, count: 7)
        let signature = try PackageSignature(pemEncoded: eight, source: "extension.sig")
        #expect(signature.chain.count == 8)
        #expect(signature.isValid(over: Data("{}".utf8)))
    }

    @Test func signingWithAChainLongerThanTheBoundIsRefused() {
        let chain = Array(repeating: ca.signingCertificate, count: PackageSignature.maximumCertificates + 1)
        let error = #expect(throws: TrustError.self) { _ = try PackageSignature.sign(Data("{}".utf8), key: ca.signingKey, chain: chain) }
        #expect(error?.code == .signatureTooLarge)
    }
}
