import Foundation
import HyperMeshManifest
import HyperMeshTestSupport
@testable import HyperMeshTrust
import Testing
import X509

/// The verifier's caches (parsed certificates, decoded manifests, parsed signature files,
/// validated chains): a hit gives what parsing would, changed bytes miss, every cache stays
/// within its bound, and nothing cached outlives a change of the revocation list.
@Suite struct VerificationCacheTests {
    let ca: DevelopmentCA

    init() throws {
        ca = try DevelopmentCA.generate()
    }

    /// The DER bytes of `certificate`, as a signature carries them.
    func derBytes(of certificate: Certificate, key: SigningKey) throws -> [UInt8] {
        try PackageSignature.sign(Data(), key: key, chain: [certificate]).chainDER[0]
    }

    // MARK: BoundedCache

    @Test("a bounded cache returns what was inserted and never holds more than its capacity")
    func boundedCacheKeepsItsBound() {
        let cache = BoundedCache<Int, String>(capacity: 3)
        #expect(cache.value(for: 1) == nil)
        for key in 0..<10 {
            cache.insert("value \(key)", for: key)
            #expect(cache.count <= 3)
        }
        #expect(cache.count == 3)
        // The oldest entries went first: the last three inserted stay.
        #expect((0..<7).allSatisfy { cache.value(for: $0) == nil })
        #expect(cache.value(for: 7) == "value 7" && cache.value(for: 8) == "value 8" && cache.value(for: 9) == "value 9")
    }

    @Test("inserting a key already cached replaces its value without evicting another")
    func boundedCacheReplacesInPlace() {
        let cache = BoundedCache<String, Int>(capacity: 2)
        cache.insert(1, for: "a")
        cache.insert(2, for: "b")
        cache.insert(3, for: "a")
        #expect(cache.count == 2)
        #expect(cache.value(for: "a") == 3 && cache.value(for: "b") == 2)
    }

    // MARK: CertificateCache

    @Test("a certificate is parsed once per DER bytes; other bytes are parsed anew; garbage is refused and not cached")
    func certificateCacheHitsAndMisses() throws {
        let cache = CertificateCache(capacity: 4)
        let signingDER = try derBytes(of: ca.signingCertificate, key: ca.signingKey)
        let signingFingerprint = FileDigest.sha256Hex(of: signingDER)
        let first = try cache.certificate(derEncoded: signingDER, fingerprint: signingFingerprint)
        let again = try cache.certificate(derEncoded: signingDER, fingerprint: signingFingerprint)
        #expect(first == ca.signingCertificate && again == first)
        #expect(cache.count == 1)
        #expect(cache.summary(of: first, fingerprint: signingFingerprint) == CertificateSummary(ca.signingCertificate))

        let rootDER = try derBytes(of: ca.root, key: ca.rootKey)
        let root = try cache.certificate(derEncoded: rootDER, fingerprint: FileDigest.sha256Hex(of: rootDER))
        #expect(root == ca.root)
        #expect(cache.count == 2)

        var damaged = signingDER
        damaged[damaged.count / 2] ^= 0xFF
        _ = #expect(throws: (any Error).self) {
            try cache.certificate(derEncoded: Array(damaged.prefix(20)), fingerprint: FileDigest.sha256Hex(of: Array(damaged.prefix(20))))
        }
        #expect(cache.count == 2)
    }

    @Test("the certificate cache holds at most its capacity")
    func certificateCacheIsBounded() throws {
        let cache = CertificateCache(capacity: 2)
        for index in 0..<5 {
            let other = try DevelopmentCA.generate(name: "Cache \(index)")
            let der = try derBytes(of: other.signingCertificate, key: other.signingKey)
            _ = try cache.certificate(derEncoded: der, fingerprint: FileDigest.sha256Hex(of: der))
            #expect(cache.count <= 2)
        }
        #expect(cache.count == 2 && cache.capacity == 2)
        #expect(CertificateCache.defaultCapacity == 256)
    }

    // MARK: The verifier's caches

    @Test("a second verification of the same bytes hits every cache and gives the same report")
    func repeatedVerificationHits() async throws {
        let package = try SignedPackageFixture()
        try ca.sign(packageAt: package.directory)
        let verifier = PackageVerifier(trustStore: ca.trustStore)
        let first = try await package.verify(with: verifier)
        #expect(first.outcome == .verified)
        #expect(verifier.manifests.count == 1 && verifier.signatures.count == 1 && verifier.chainCache.count == 1)
        // The signer (presented) and the root (validated chain).
        #expect(verifier.certificates.count == 2)
        let second = try await package.verify(with: verifier)
        #expect(second == first)
        #expect(verifier.manifests.count == 1 && verifier.signatures.count == 1 && verifier.certificates.count == 2)
    }

    @Test("changed manifest bytes miss the cache: the new manifest is decoded and checked, and a stale signature is refused")
    func changedManifestMisses() async throws {
        let package = try SignedPackageFixture()
        try ca.sign(packageAt: package.directory)
        let verifier = PackageVerifier(trustStore: ca.trustStore)
        #expect(try await package.verify(with: verifier).outcome == .verified)

        var renamed = package.manifest
        renamed.name = "Renamed"
        try ManifestEncoder.encode(renamed).write(to: package.manifestFile)
        let (manifest, stale) = try await verifier.verify(packageAt: package.directory)
        #expect(manifest.name == "Renamed")
        #expect(stale.failure?.code == .signatureInvalid)
        #expect(verifier.manifests.count == 2)

        try ca.sign(packageAt: package.directory)
        let resigned = try await package.verify(with: verifier)
        #expect(resigned.outcome == .verified)
        // A new signature file (new signature bytes), the same certificates.
        #expect(verifier.signatures.count == 2 && verifier.certificates.count == 2)
    }

    @Test("a manifest that does not decode is refused every time and never cached")
    func undecodableManifestIsNotCached() async throws {
        let package = try SignedPackageFixture()
        try ca.sign(packageAt: package.directory)
        let verifier = PackageVerifier(trustStore: ca.trustStore)
        try Data("{\"id\": \"org.tests.signed\", \"id\": \"twice\"}".utf8).write(to: package.manifestFile)
        for _ in 0..<2 {
            await #expect(throws: ManifestError.self) { _ = try await verifier.verify(packageAt: package.directory) }
        }
        #expect(verifier.manifests.count == 0)
    }

    @Test("a damaged signature file is refused every time and never cached")
    func damagedSignatureIsNotCached() async throws {
        let package = try SignedPackageFixture()
        try ca.sign(packageAt: package.directory)
        let verifier = PackageVerifier(trustStore: ca.trustStore)
        #expect(try await package.verify(with: verifier).outcome == .verified)
        try Data("-----BEGIN HYPERMESH SIGNATURE-----\nnot base64\n".utf8).write(to: package.signatureFile)
        for _ in 0..<2 {
            #expect(try await package.verify(with: verifier).failure?.code == .signatureMalformed)
        }
        #expect(verifier.signatures.count == 1)
    }

    @Test("a certificate revoked after packages were verified is refused once the list changes, caches warm or not")
    func revocationAfterCachingTakesEffect() async throws {
        let storeDirectory = ExtensionBuilder.temporaryDirectory().appendingPathComponent("trust")
        try TrustStore.addRoot(ca.root, to: storeDirectory)
        let package = try SignedPackageFixture()
        try ca.sign(packageAt: package.directory)

        let before = PackageVerifier(trustStore: try TrustStore.load(from: storeDirectory))
        #expect(try await package.verify(with: before).outcome == .verified)
        #expect(try await package.verify(with: before).outcome == .verified)

        let list = RevocationList(certificates: [CertificatePEM.fingerprint(ca.signingCertificate)])
        try TrustStore.writeRevocations(list, rootKey: ca.rootKey, root: ca.root, to: storeDirectory)
        let after = PackageVerifier(trustStore: try TrustStore.load(from: storeDirectory))
        // Refused on the first call and on every later one, though the manifest, the signature
        // file, the certificates and the chain are then cached.
        for _ in 0..<3 {
            let report = try await package.verify(with: after)
            #expect(report.failure?.code == .certificateRevoked)
            #expect(report.failure?.check == .revocation)
        }
        #expect(after.manifests.count == 1 && after.chainCache.count == 1)
    }

    @Test("a package digest revoked later is refused though its manifest is cached")
    func revokedPackageDigestWithWarmCaches() async throws {
        let storeDirectory = ExtensionBuilder.temporaryDirectory().appendingPathComponent("trust")
        try TrustStore.addRoot(ca.root, to: storeDirectory)
        let package = try SignedPackageFixture()
        try ca.sign(packageAt: package.directory)
        let digest = FileDigest.sha256Hex(of: try Data(contentsOf: package.manifestFile))
        try TrustStore.writeRevocations(RevocationList(packages: [digest]), rootKey: ca.rootKey, root: ca.root, to: storeDirectory)
        let verifier = PackageVerifier(trustStore: try TrustStore.load(from: storeDirectory))
        for _ in 0..<3 {
            #expect(try await package.verify(with: verifier).failure?.code == .packageRevoked)
        }
    }

    @Test("a certificate without code-signing usage is refused on every call, its outcome cached or not")
    func codeSigningRefusalIsKept() async throws {
        let key = SigningKey.generate()
        let server = try CertificateAuthority.issue(commonName: "Server", publicKey: key.publicKey, usage: .serverAuthentication,
                                                    issuer: ca.root, issuerKey: ca.rootKey,
                                                    notBefore: Date().addingTimeInterval(-60), notAfter: Date().addingTimeInterval(3600))
        let package = try SignedPackageFixture()
        try PackageSigner.sign(packageAt: package.directory, key: key, chain: [server])
        let verifier = PackageVerifier(trustStore: ca.trustStore)
        for _ in 0..<3 {
            let report = try await package.verify(with: verifier)
            #expect(report.failure?.code == .notForCodeSigning)
            #expect(report.failure?.check == .codeSigning)
        }
        // The same certificate signing again, with a code-signing one beside it: each keeps its own outcome.
        let other = try SignedPackageFixture(id: "org.tests.other")
        try ca.sign(packageAt: other.directory)
        #expect(try await other.verify(with: verifier).outcome == .verified)
        #expect(try await package.verify(with: verifier).failure?.code == .notForCodeSigning)
    }

    @Test("the verifier's caches are bounded by their documented capacities")
    func verifierCachesAreBounded() {
        let verifier = PackageVerifier(trustStore: ca.trustStore)
        #expect(verifier.chainCache.capacity == PackageVerifier.chainCacheCapacity && PackageVerifier.chainCacheCapacity == 64)
        #expect(verifier.manifests.capacity == PackageVerifier.documentCacheCapacity && PackageVerifier.documentCacheCapacity == 256)
        #expect(verifier.signatures.capacity == PackageVerifier.documentCacheCapacity)
        #expect(verifier.certificates.capacity == CertificateCache.defaultCapacity)
    }

    // MARK: Reading files

    @Test("a file larger than one read chunk, and an empty file, hash as their bytes")
    func digestsAcrossChunks() throws {
        let folder = ExtensionBuilder.temporaryDirectory()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var generator = SplitMix64(state: 7)
        let large = (0..<((1 << 20) + 123)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let largeFile = folder.appendingPathComponent("large.bin")
        try Data(large).write(to: largeFile)
        #expect(try FileDigest.sha256Hex(ofFileAt: largeFile) == FileDigest.sha256Hex(of: large))
        let emptyFile = folder.appendingPathComponent("empty.bin")
        try Data().write(to: emptyFile)
        #expect(try FileDigest.sha256Hex(ofFileAt: emptyFile) == FileDigest.sha256Hex(of: [UInt8]()))
        #expect(FileDigest.sha256Hex(of: [UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
