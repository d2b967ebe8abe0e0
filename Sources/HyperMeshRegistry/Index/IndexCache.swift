import HyperMeshErrors
import Foundation
import HyperMeshTrust

/// The indexes this host has accepted, one per name, under `<state>/indexes/<name>/` (`index.json`
/// and `index.sig`, the exact bytes that were verified). Accepting a new index enforces the
/// freshness rules against the cached one:
///
/// 1. the signature verifies and its chain leads to the operator's trust store (same checks as a
///    package signature, ``PackageVerifier/verifyDetachedSignature(_:over:document:)``);
/// 2. the index is not expired (`expires` after now): an expired index means whoever serves it
///    may be withholding updates (a freeze), so it is refused, and the cached one too once expired;
/// 3. its version is not lower than the cached one (rollback), and the same version must be the
///    same bytes (equivocation).
///
/// Offline use (``cached(name:)``) re-checks the signature and the expiry of the cached copy.
/// Blocking file I/O: call through ``BlockingIO`` where it matters. Not guaranteed: freshness
/// beyond the expiry the publisher chose (a registry may withhold a new index until the old
/// one expires).
public struct IndexCache: Sendable {
    public let folder: URL
    public let verifier: PackageVerifier
    let clock: @Sendable () -> Date

    public init(stateDirectory: URL, verifier: PackageVerifier, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.folder = stateDirectory.appendingPathComponent("indexes")
        self.verifier = verifier
        self.clock = clock
    }

    /// Verifies `index` against the trust store and the cached copy, then caches it. Returns the
    /// subjects of the signer's chain.
    @discardableResult
    public func accept(_ index: SignedExtensionIndex, source: String) async throws(IndexError) -> [String] {
        let subject = "index '\(index.document.name)' version \(index.document.version) from \(source)"
        let chain: [String]
        do throws(TrustError) {
            chain = try await verifier.verifyDetachedSignature(index.signature, over: index.documentBytes, document: "the index")
        } catch {
            throw IndexError(.signatureRefused, subject: subject, "the index's signature is refused; only indexes signed by a key that chains to this host's trust store are used", cause: error)
        }
        try checkExpiry(index.document, subject: subject)
        // The name names a folder: checked before anything is read or written under it.
        guard IdentifierRulesForIndexNames.isValid(index.document.name) else {
            throw IndexError(.malformed, subject: subject, "an index name is 1 to 64 of a-z 0-9 . _ -, not starting with '.'")
        }
        if let cached = try cachedUnverified(name: index.document.name) {
            if index.document.version < cached.document.version {
                throw IndexError(.rollback, subject: subject,
                                 "this host has already accepted version \(cached.document.version); the registry serves an older index (rollback), so it is refused")
            }
            if index.document.version == cached.document.version, index.documentBytes != cached.documentBytes {
                throw IndexError(.equivocation, subject: subject,
                                 "this host accepted a different document with the same version \(cached.document.version); one of them was not published by the index's owner")
            }
        }
        try write(index, source: source)
        return chain
    }

    /// The cached index `name`, re-verified (signature, chain, expiry); nil when none is cached.
    public func cached(name: String) async throws(IndexError) -> SignedExtensionIndex? {
        guard let index = try cachedUnverified(name: name) else { return nil }
        let subject = "cached index '\(name)' version \(index.document.version)"
        do throws(TrustError) {
            _ = try await verifier.verifyDetachedSignature(index.signature, over: index.documentBytes, document: "the index")
        } catch {
            throw IndexError(.signatureRefused, subject: subject, "the cached index's signature is refused now", cause: error)
        }
        try checkExpiry(index.document, subject: subject)
        return index
    }

    /// The name of the cached index last accepted from `source` (a location as the operator wrote
    /// it), for offline use when that source cannot be reached.
    public func name(forSource source: String) -> String? {
        names().first { name in
            (try? String(contentsOf: folder.appendingPathComponent(name).appendingPathComponent("source"), encoding: .utf8)) == source
        }
    }

    /// Every cached index name.
    public func names() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    func checkExpiry(_ document: ExtensionIndexDocument, subject: String) throws(IndexError) {
        guard let expiry = document.expiryDate, expiry > clock() else {
            throw IndexError(.expired, subject: subject,
                             "the index expired at \(document.expires); the publisher must publish a fresh one (an expired index may be a registry withholding updates)")
        }
    }

    func cachedUnverified(name: String) throws(IndexError) -> SignedExtensionIndex? {
        guard IdentifierRulesForIndexNames.isValid(name) else { return nil }
        let directory = folder.appendingPathComponent(name)
        let documentFile = directory.appendingPathComponent("index.json")
        guard FileManager.default.fileExists(atPath: documentFile.path) else { return nil }
        do {
            let documentBytes = try Data(contentsOf: documentFile)
            let signatureBytes = try Data(contentsOf: directory.appendingPathComponent("index.sig"))
            return try SignedExtensionIndex(documentBytes: documentBytes, signaturePEM: signatureBytes, source: "the cache (\(directory.path))")
        } catch let error as IndexError {
            throw error
        } catch {
            throw IndexError(.cacheFailed, subject: directory.path, "cannot read the cached index", cause: ErrorCauseText("\(error)"))
        }
    }

    private func write(_ index: SignedExtensionIndex, source: String) throws(IndexError) {
        guard IdentifierRulesForIndexNames.isValid(index.document.name) else {
            throw IndexError(.malformed, subject: index.document.name, "an index name is 1 to 64 of a-z 0-9 . _ -")
        }
        let directory = folder.appendingPathComponent(index.document.name)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            // The signature first: a crash between the two writes leaves a mismatch that the next
            // accept replaces, never an unsigned document taken as verified (both are re-verified).
            try index.signatureBytes.write(to: directory.appendingPathComponent("index.sig"), options: .atomic)
            try index.documentBytes.write(to: directory.appendingPathComponent("index.json"), options: .atomic)
            try Data(source.utf8).write(to: directory.appendingPathComponent("source"), options: .atomic)
        } catch {
            throw IndexError(.cacheFailed, subject: directory.path, "cannot cache the index", cause: ErrorCauseText("\(error)"))
        }
    }
}

/// The names an index may have (they name a cache folder).
enum IdentifierRulesForIndexNames {
    static func isValid(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count) && !name.hasPrefix(".")
            && name.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }
}
