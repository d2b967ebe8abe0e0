import Foundation
import HyperMeshManifest
import HyperMeshTestSupport
import HyperMeshTrust
import Testing
@testable import HyperMeshRegistry

@Suite("The signed extension index and the freshness rules")
struct ExtensionIndexTests {
    let fixtures: PackageFixtures
    init() throws { fixtures = try PackageFixtures() }

    func document(version: UInt64, expiresIn: TimeInterval = 3600, description: String = "Says hello") -> ExtensionIndexDocument {
        let entry = IndexedVersion(artifacts: [IndexedVersion.anyPlatform: OCIDigest(of: Data("x".utf8))], kind: "wasm",
                                   abi: ABIRange(min: 1, max: 1), dependencies: ["org.example.base": "^1.0.0"], capabilities: ["storage"])
        return ExtensionIndexDocument(name: "main", version: version, issued: Date(), expires: Date().addingTimeInterval(expiresIn), extensions: [
            "org.example.hello": IndexedExtension(name: "Hello", description: description, tags: ["demo"], repository: "localhost:5000/hypermesh/hello",
                                                  versions: ["1.0.0": entry]),
        ])
    }

    func signed(_ document: ExtensionIndexDocument, by ca: DevelopmentCA? = nil) throws -> SignedExtensionIndex {
        let ca = ca ?? fixtures.ca
        return try SignedExtensionIndex.sign(document, key: ca.signingKey, chain: [ca.signingCertificate])
    }

    func cache() -> IndexCache {
        IndexCache(stateDirectory: fixtures.root.appendingPathComponent("state-\(UUID().uuidString.prefix(6))"), verifier: fixtures.verifier)
    }

    @Test("A signed index round-trips through its artifact parts and is accepted, then served from the cache")
    func acceptAndCache() async throws {
        let index = try signed(document(version: 1))
        let (manifest, blobs) = index.artifact()
        let parts = try SignedExtensionIndex.parts(of: manifest, source: "test")
        let documentBytes = try #require(blobs.first { $0.0 == parts.document }?.1)
        let signatureBytes = try #require(blobs.first { $0.0 == parts.signature }?.1)
        let read = try SignedExtensionIndex(documentBytes: documentBytes, signaturePEM: signatureBytes, source: "test")
        let cache = cache()
        let chain = try await cache.accept(read, source: "test")
        #expect(chain.first?.contains("Code Signing") == true || !chain.isEmpty)
        let cached = try #require(try await cache.cached(name: "main"))
        #expect(cached.document == index.document)
        #expect(cache.names() == ["main"])
    }

    @Test("An index older than the accepted one is refused as a rollback")
    func rollbackRefused() async throws {
        let cache = cache()
        try await cache.accept(try signed(document(version: 5)), source: "test")
        await #expect { try await cache.accept(try signed(document(version: 4)), source: "registry") } throws: { error in
            (error as? IndexError)?.code == .rollback && "\(error)".contains("already accepted version 5")
        }
        try await cache.accept(try signed(document(version: 6)), source: "test")
    }

    @Test("A different document with the version already accepted is refused as an equivocation")
    func equivocationRefused() async throws {
        let cache = cache()
        try await cache.accept(try signed(document(version: 2)), source: "test")
        await #expect { try await cache.accept(try signed(document(version: 2, description: "Says goodbye")), source: "test") } throws: {
            ($0 as? IndexError)?.code == .equivocation
        }
    }

    @Test("An expired index is refused as a freeze, fresh or cached")
    func expiredRefused() async throws {
        let cache = cache()
        await #expect { try await cache.accept(try signed(document(version: 1, expiresIn: -60)), source: "test") } throws: {
            ($0 as? IndexError)?.code == .expired
        }
        try await cache.accept(try signed(document(version: 1, expiresIn: 3600)), source: "test")
        let later = IndexCache(stateDirectory: cache.folder.deletingLastPathComponent(), verifier: fixtures.verifier, clock: { Date().addingTimeInterval(7200) })
        await #expect { try await later.cached(name: "main") } throws: { ($0 as? IndexError)?.code == .expired }
    }

    @Test("An index signed by a key outside the trust store, or altered after signing, is refused with the trust error as cause")
    func untrustedOrAltered() async throws {
        let cache = cache()
        let stranger = try DevelopmentCA.generate(name: "Stranger")
        await #expect { try await cache.accept(try signed(document(version: 1), by: stranger), source: "test") } throws: { error in
            guard let error = error as? IndexError, error.code == .signatureRefused else { return false }
            return (error.underlyingError as? TrustError)?.code == .untrustedChain
        }
        let good = try signed(document(version: 1))
        var altered = good.documentBytes
        altered.replaceSubrange(altered.range(of: Data("Says hello".utf8))!, with: Data("Says HELLO".utf8))
        let forged = try SignedExtensionIndex(documentBytes: altered, signaturePEM: good.signatureBytes, source: "test")
        await #expect { try await cache.accept(forged, source: "test") } throws: { error in
            ((error as? IndexError)?.underlyingError as? TrustError)?.code == .signatureInvalid
        }
        #expect(try await cache.cached(name: "main") == nil)
    }

    @Test("Duplicate keys, a bad range or a bad version in the document are refused as malformed")
    func malformedDocuments() throws {
        let good = String(decoding: document(version: 1).encoded(), as: UTF8.self)
        let duplicate = good.replacingOccurrences(of: #""name":"main""#, with: #""name":"main","name":"other""#)
        let badRange = good.replacingOccurrences(of: "^1.0.0", with: "^^1")
        let badVersion = good.replacingOccurrences(of: #""1.0.0":"#, with: #""1.0":"#)
        for text in [duplicate, badRange, badVersion, "[]"] {
            #expect { try ExtensionIndexDocument.decode(Data(text.utf8), source: "test") } throws: { ($0 as? IndexError)?.code == .malformed }
        }
        #expect(try ExtensionIndexDocument.decode(Data(good.utf8), source: "test").version == 1)
    }
}

extension ExtensionIndexTests {
    @Test("A signed index whose name would leave the cache folder is refused before anything is read or written")
    func hostileName() async throws {
        let cache = cache()
        var document = document(version: 1)
        document.name = "../escape"
        await #expect { try await cache.accept(try signed(document), source: "test") } throws: { ($0 as? IndexError)?.code == .malformed }
        #expect(!FileManager.default.fileExists(atPath: cache.folder.deletingLastPathComponent().appendingPathComponent("escape").path))
    }
}
