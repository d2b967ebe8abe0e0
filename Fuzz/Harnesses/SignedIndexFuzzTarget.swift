import Foundation
import HyperMeshManifest
import HyperMeshRegistry
import HyperMeshTrust
import X509

/// The signed extension index as a host receives it from a registry: the document
/// (``ExtensionIndexDocument/decode(_:source:)``, strict JSON, no duplicate keys), the detached
/// signature (PEM: the signature, then the signer's chain) and its verification against a trust
/// store (``PackageVerifier/verifyDetachedSignature(_:over:document:)``).
///
/// Input: two bytes (big-endian) giving the document's length, the document, then the signature.
/// Invariants: an accepted document survives encode → decode; a signature that verifies does not
/// verify over the document with one byte changed.
///
/// The trust root is a development CA: with `HYPERMESH_FUZZ_WORK` set (as `scripts/fuzz.sh`
/// does) it is kept in `$HYPERMESH_FUZZ_WORK/index-ca`, so the seeds written by one run verify
/// in the next; without it a CA is made for the process.
public struct SignedIndexFuzzTarget: FuzzTarget {
    public init() {}
    public var name: String { "signed-index" }
    public var summary: String { "signed index: document decoding, signature and chain parsing, verification against a trust store" }

    public func run(_ input: [UInt8]) throws(FuzzFinding) {
        guard input.count >= 2 else { return }
        let length = min(Int(input[0]) << 8 | Int(input[1]), input.count - 2)
        let document = Data(input[2..<(2 + length)])
        let signature = Data(input[(2 + length)...])
        let index: SignedExtensionIndex
        do { index = try SignedExtensionIndex(documentBytes: document, signaturePEM: signature, source: "fuzz") } catch { return }
        guard let again = try? ExtensionIndexDocument.decode(index.document.encoded(), source: "fuzz (encoded)"), again == index.document else {
            throw FuzzFinding(name, "an index document changed through encode → decode", String(decoding: index.document.encoded(), as: UTF8.self))
        }
        guard let authority = try? IndexSigningAuthority.shared.get() else {
            throw FuzzFinding(name, "the harness has no trust root", "")
        }
        let verifier = authority.verifier
        let verified = BlockingWait.result { () async -> Bool in
            do {
                _ = try await verifier.verifyDetachedSignature(index.signature, over: index.documentBytes, document: "the index")
                return true
            } catch {
                return false
            }
        }
        guard verified, !document.isEmpty else { return }
        var changed = document
        changed[changed.startIndex] ^= 0x01
        if index.signature.isValid(over: changed) {
            throw FuzzFinding(name, "a signature verifies over a changed document", "")
        }
    }

    public func seeds() throws -> [FuzzSeed] {
        let authority = try IndexSigningAuthority.shared.get()
        let version = IndexedVersion(artifacts: ["linux/amd64": OCIDigest(of: Data("a".utf8)), IndexedVersion.anyPlatform: OCIDigest(of: Data("b".utf8))],
                                     kind: "wasm", abi: ABIRange(min: 1, max: 2), dependencies: ["org.example.base": "^1.0.0"],
                                     capabilities: ["storage"], yanked: false)
        let entry = IndexedExtension(name: "Catalog", description: "assets", tags: ["tools"], repository: "org/example/catalog",
                                     versions: ["1.0.0": version])
        let document = ExtensionIndexDocument(name: "main", version: 7, issued: Date(timeIntervalSince1970: 1_800_000_000),
                                              expires: Date(timeIntervalSince1970: 4_000_000_000), extensions: ["org.example.catalog": entry])
        let signed = try SignedExtensionIndex.sign(document, key: authority.signingKey, chain: [authority.signingCertificate])
        let bytes = Array(signed.documentBytes)
        return [FuzzSeed("signed", [UInt8(bytes.count >> 8), UInt8(bytes.count & 0xFF)] + bytes + Array(signed.signatureBytes))]
    }
}

/// The development CA the signed-index harness trusts and signs its seeds with.
final class IndexSigningAuthority: Sendable {
    static let shared = IndexSigningAuthority()

    struct Material: Sendable {
        let signingKey: SigningKey
        let signingCertificate: Certificate
        let verifier: PackageVerifier
    }

    private let material: Result<Material, any Error>

    private init() {
        material = Result { try Self.load() }
    }

    func get() throws -> Material { try material.get() }

    private static func load() throws -> Material {
        let ca: DevelopmentCA
        if let work = ProcessInfo.processInfo.environment["HYPERMESH_FUZZ_WORK"], !work.isEmpty {
            let folder = URL(fileURLWithPath: work).appendingPathComponent("index-ca")
            let root = folder.appendingPathComponent(DevelopmentCA.rootCertificateName)
            if !FileManager.default.fileExists(atPath: root.path) { _ = try DevelopmentCA.create(in: folder) }
            let rootCertificate = try Certificate(pemEncoded: String(decoding: try Data(contentsOf: root), as: UTF8.self))
            let signingKey = try SigningKey(contentsOf: folder.appendingPathComponent(DevelopmentCA.signingKeyName))
            let signing = try Certificate(pemEncoded: String(decoding: try Data(contentsOf: folder.appendingPathComponent(DevelopmentCA.signingCertificateName)), as: UTF8.self))
            return Material(signingKey: signingKey, signingCertificate: signing, verifier: PackageVerifier(trustStore: TrustStore(roots: [rootCertificate])))
        }
        ca = try DevelopmentCA.generate()
        return Material(signingKey: ca.signingKey, signingCertificate: ca.signingCertificate, verifier: PackageVerifier(trustStore: ca.trustStore))
    }
}
