import Foundation
import HyperMeshTestSupport
import HyperMeshTrust
import Testing

@Suite struct KeysAndCertificatesTests {
    let directory = ExtensionBuilder.temporaryDirectory()

    @Test(arguments: SigningAlgorithm.allCases)
    func keysRoundTripThroughPEMAndSign(algorithm: SigningAlgorithm) throws {
        let key = SigningKey.generate(algorithm)
        let reread = try SigningKey(pemEncoded: try key.pemEncoded())
        #expect(reread.algorithm == algorithm)
        #expect(reread.publicKey == key.publicKey)
        let data = Data("message".utf8)
        let signature = try reread.signature(for: data)
        let root = try CertificateAuthority.makeRoot(commonName: "R", key: key)
        let packageSignature = try PackageSignature.sign(data, key: key, chain: [root])
        #expect(packageSignature.isValid(over: data))
        #expect(!packageSignature.isValid(over: Data("massage".utf8)))
        #expect(!signature.isEmpty)
    }

    @Test func keyFilesAreWrittenPrivateAndNeverOverwritten() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("k.key")
        try SigningKey.generate().write(to: file)
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let error = #expect(throws: TrustError.self) { try SigningKey.generate().write(to: file) }
        #expect(error?.code == .writeFailed)
    }

    @Test func garbageIsNotAKey() {
        let error = #expect(throws: TrustError.self) { _ = try SigningKey(pemEncoded: "hello") }
        #expect(error?.code == .keyUnreadable)
    }

    @Test func theDevelopmentCAWritesItsFilesAndTheyReadBack() throws {
        let ca = try DevelopmentCA.create(in: directory)
        let root = try CertificatePEM.certificates(contentsOf: directory.appendingPathComponent(DevelopmentCA.rootCertificateName))
        #expect(root == [ca.root])
        let key = try SigningKey(contentsOf: directory.appendingPathComponent(DevelopmentCA.signingKeyName))
        #expect(key.publicKey == ca.signingCertificate.publicKey)
        // A second init in the same folder refuses to overwrite the keys.
        #expect(throws: TrustError.self) { _ = try DevelopmentCA.create(in: directory) }
    }

    @Test func onlyCACertificatesCanBeRoots() throws {
        let ca = try DevelopmentCA.generate()
        let error = #expect(throws: TrustError.self) { try TrustStore.addRoot(ca.signingCertificate, to: directory) }
        #expect(error?.code == .certificateUnreadable)
    }

    @Test func rootsCanBeAddedAndRemoved() throws {
        let first = try DevelopmentCA.generate(name: "First")
        let second = try DevelopmentCA.generate(name: "Second")
        try TrustStore.addRoot(first.root, to: directory)
        try TrustStore.addRoot(second.root, to: directory)
        try TrustStore.addRoot(second.root, to: directory)
        #expect(try TrustStore.load(from: directory).roots.count == 2)
        try TrustStore.removeRoot(fingerprint: CertificatePEM.fingerprint(first.root), from: directory)
        #expect(try TrustStore.load(from: directory).roots == [second.root])
    }

    @Test func anUnreadableRootFileIsAnError() throws {
        let roots = directory.appendingPathComponent(TrustStore.rootsFolderName)
        try FileManager.default.createDirectory(at: roots, withIntermediateDirectories: true)
        try Data("not a certificate".utf8).write(to: roots.appendingPathComponent("bad.pem"))
        let error = #expect(throws: TrustError.self) { _ = try TrustStore.load(from: directory) }
        #expect(error?.code == .certificateUnreadable)
    }

    @Test func aMissingStoreIsEmpty() throws {
        let store = try TrustStore.load(from: directory.appendingPathComponent("nowhere"))
        #expect(store.roots.isEmpty)
    }
}
