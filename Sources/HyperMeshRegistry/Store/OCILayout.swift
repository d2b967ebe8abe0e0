import Crypto
import Foundation

/// A folder in the OCI image layout format (`oci-layout`, `index.json`, `blobs/sha256/<hex>`), the
/// format `skopeo copy oci:DIR` and `oras` read and write. Used for the store under the state
/// directory and for `ext pack --oci-layout` (a package carried to an air-gapped site).
///
/// Every blob is written to a temporary file inside the layout (same file system: `ingest/`, or a
/// `.partial` name beside its destination for registry downloads), hashed while written, and
/// renamed to its digest only when digest and size match, so a file named by a digest is either
/// complete and correct or absent. `index.json` is replaced atomically.
///
/// All methods block on file I/O: call them off the cooperative pool (``BlockingIO``).
/// Not guaranteed: safety against two processes editing one layout's `index.json` at the same
/// time (the last writer wins; blobs themselves are safe to share).
public struct OCILayout: Sendable {
    public let root: URL

    /// The `imageLayoutVersion` written and accepted.
    public static let layoutVersion = "1.0.0"
    /// The largest `index.json` read (16 MiB).
    public static let maximumIndexBytes = 16 << 20

    /// Opens the layout at `root`, creating it (and an empty `index.json`) when absent.
    public static func openOrCreate(at root: URL) throws(RegistryError) -> OCILayout {
        let layout = OCILayout(root: root)
        let marker = root.appendingPathComponent("oci-layout")
        if FileManager.default.fileExists(atPath: marker.path) {
            try layout.checkMarker()
            return layout
        }
        do {
            try FileManager.default.createDirectory(at: layout.blobFolder, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: layout.ingestFolder, withIntermediateDirectories: true)
        } catch {
            throw RegistryError(.fileFailed, subject: root.path, "cannot create the OCI layout", cause: "\(error)")
        }
        try layout.writeAtomically(Data(#"{"imageLayoutVersion":"\#(layoutVersion)"}"#.utf8), to: marker)
        if !FileManager.default.fileExists(atPath: layout.indexFile.path) {
            try layout.writeIndex(OCIImageIndex(artifactType: nil, manifests: []))
        }
        return layout
    }

    /// Opens an existing layout; refuses a folder without `oci-layout` or of another version.
    public static func open(at root: URL) throws(RegistryError) -> OCILayout {
        let layout = OCILayout(root: root)
        try layout.checkMarker()
        return layout
    }

    init(root: URL) { self.root = root }

    var blobFolder: URL { root.appendingPathComponent("blobs/sha256") }
    var ingestFolder: URL { root.appendingPathComponent("ingest") }
    var indexFile: URL { root.appendingPathComponent("index.json") }

    public func blobURL(_ digest: OCIDigest) -> URL { blobFolder.appendingPathComponent(digest.hex) }

    /// Whether the blob is present with the descriptor's size (its content was checked when written).
    public func hasBlob(_ descriptor: OCIDescriptor) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: blobURL(descriptor.digest).path) else { return false }
        return (attributes[.size] as? NSNumber)?.int64Value == descriptor.size
    }

    /// A fresh temporary file name inside the layout, for a blob being received.
    public func temporaryBlobURL() -> URL {
        try? FileManager.default.createDirectory(at: ingestFolder, withIntermediateDirectories: true)
        return ingestFolder.appendingPathComponent("blob-\(UUID().uuidString)")
    }

    /// Stores `bytes` as the blob `descriptor` names, after checking digest and size.
    public func putBlob(_ bytes: Data, as descriptor: OCIDescriptor) throws(RegistryError) {
        guard Int64(bytes.count) == descriptor.size, OCIDigest(of: bytes) == descriptor.digest else {
            throw RegistryError(.digestMismatch, subject: "\(descriptor.digest)", "the bytes do not match their descriptor (size \(bytes.count), expected \(descriptor.size))")
        }
        if hasBlob(descriptor) { return }
        let temporary = temporaryBlobURL()
        do { try bytes.write(to: temporary) } catch {
            throw RegistryError(.fileFailed, subject: root.path, "cannot write a blob", cause: "\(error)")
        }
        try moveIntoPlace(temporary, as: descriptor.digest)
    }

    /// Copies `file` into the layout as the blob `descriptor` names, hashing while copying.
    public func putBlob(copying file: URL, as descriptor: OCIDescriptor) throws(RegistryError) {
        if hasBlob(descriptor) { return }
        let temporary = temporaryBlobURL()
        let (digest, size) = try Self.copyHashing(from: file, to: temporary)
        guard digest == descriptor.digest, size == descriptor.size else {
            try? FileManager.default.removeItem(at: temporary)
            throw RegistryError(.digestMismatch, subject: file.path, "the file hashes to \(digest) (\(size) bytes), not \(descriptor.digest) (\(descriptor.size) bytes)")
        }
        try moveIntoPlace(temporary, as: descriptor.digest)
    }

    /// Moves a temporary file whose digest the caller has checked into `blobs/sha256/`.
    public func adoptVerifiedBlob(_ temporary: URL, as digest: OCIDigest) throws(RegistryError) {
        try moveIntoPlace(temporary, as: digest)
    }

    /// Reads a blob, checking its digest; refuses one larger than `maximumBytes`.
    public func readBlob(_ digest: OCIDigest, maximumBytes: Int) throws(RegistryError) -> Data {
        let url = blobURL(digest)
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue
        guard let size else {
            throw RegistryError(.notFound, subject: "\(root.path) \(digest)", "the blob is not in the layout")
        }
        guard size <= maximumBytes else {
            throw RegistryError(.tooLarge, subject: "\(root.path) \(digest)", "the blob has \(size) bytes, more than the \(maximumBytes) allowed")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw RegistryError(.fileFailed, subject: url.path, "cannot read the blob", cause: "\(error)")
        }
        guard OCIDigest(of: data) == digest else {
            throw RegistryError(.digestMismatch, subject: "\(root.path) \(digest)", "the stored blob no longer matches its digest (the store was modified); remove it and pull again")
        }
        return data
    }

    /// Deletes a blob (no check that nothing refers to it: the caller counts references).
    public func removeBlob(_ digest: OCIDigest) {
        try? FileManager.default.removeItem(at: blobURL(digest))
    }

    /// Every blob in the layout with its size.
    public func allBlobs() -> [(digest: OCIDigest, size: Int64)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: blobFolder.path)) ?? []
        return names.compactMap { name in
            guard let digest = try? OCIDigest(hex: name) else { return nil }
            let size = (try? FileManager.default.attributesOfItem(atPath: blobFolder.appendingPathComponent(name).path)[.size] as? NSNumber)?.int64Value ?? 0
            return (digest, size)
        }.sorted { $0.digest < $1.digest }
    }

    /// Deletes temporary files left by interrupted transfers and last modified before `date`:
    /// everything in `ingest/`, and the names in `blobs/sha256/` that are not digests (a registry
    /// download writes its `.partial` file beside its destination).
    public func removeTemporaryFiles(olderThan date: Date) {
        for folder in [ingestFolder, blobFolder] {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where (try? OCIDigest(hex: name)) == nil {
                let url = folder.appendingPathComponent(name)
                let modified = (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date) ?? .distantPast
                if modified < date { try? FileManager.default.removeItem(at: url) }
            }
        }
    }

    /// The layout's `index.json`.
    public func readIndex() throws(RegistryError) -> OCIImageIndex {
        let data: Data
        do { data = try Data(contentsOf: indexFile) } catch {
            throw RegistryError(.fileFailed, subject: indexFile.path, "cannot read the layout's index.json", cause: "\(error)")
        }
        guard data.count <= Self.maximumIndexBytes else {
            throw RegistryError(.tooLarge, subject: indexFile.path, "index.json is larger than \(Self.maximumIndexBytes) bytes")
        }
        return try OCIImageIndex.decode(data, source: indexFile.path)
    }

    /// Replaces `index.json` atomically.
    public func writeIndex(_ index: OCIImageIndex) throws(RegistryError) {
        try writeAtomically(index.encoded(), to: indexFile)
    }

    private func checkMarker() throws(RegistryError) {
        let marker = root.appendingPathComponent("oci-layout")
        struct Marker: Decodable { var imageLayoutVersion: String }
        guard let data = try? Data(contentsOf: marker) else {
            throw RegistryError(.notFound, subject: root.path, "not an OCI layout (no oci-layout file)")
        }
        let parsed: Marker = try OCIJSON.decode(data, source: marker.path)
        guard parsed.imageLayoutVersion == Self.layoutVersion else {
            throw RegistryError(.artifactInvalid, subject: root.path, "OCI layout version \(parsed.imageLayoutVersion) is not \(Self.layoutVersion)")
        }
    }

    private func moveIntoPlace(_ temporary: URL, as digest: OCIDigest) throws(RegistryError) {
        do {
            try FileManager.default.createDirectory(at: blobFolder, withIntermediateDirectories: true)
            if rename(temporary.path, blobURL(digest).path) != 0 {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw RegistryError(.fileFailed, subject: root.path, "cannot store blob \(digest)", cause: "\(error)")
        }
    }

    func writeAtomically(_ data: Data, to file: URL) throws(RegistryError) {
        do { try data.write(to: file, options: .atomic) } catch {
            throw RegistryError(.fileFailed, subject: file.path, "cannot write", cause: "\(error)")
        }
    }

    /// Copies `source` to `destination` in 1 MiB chunks, returning the digest and size.
    static func copyHashing(from source: URL, to destination: URL) throws(RegistryError) -> (OCIDigest, Int64) {
        do {
            let input = try FileHandle(forReadingFrom: source)
            defer { try? input.close() }
            _ = FileManager.default.createFile(atPath: destination.path, contents: nil)
            let output = try FileHandle(forWritingTo: destination)
            defer { try? output.close() }
            var hasher = SHA256()
            var size: Int64 = 0
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
                try output.write(contentsOf: chunk)
                size += Int64(chunk.count)
            }
            return (OCIDigest(hasher.finalize()), size)
        } catch {
            try? FileManager.default.removeItem(at: destination)
            throw RegistryError(.fileFailed, subject: source.path, "cannot copy into the layout", cause: "\(error)")
        }
    }
}
