import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// Blobs: download into a file (verified, resumable), existence, upload (monolithic or chunked,
/// with cross-repository mounts).
extension RegistryClient {
    /// Downloads the blob `descriptor` names from the reference's repository into `destination`.
    ///
    /// The bytes go to a temporary file beside `destination` while SHA-256 runs over them; the file
    /// is renamed to `destination` only when its size and digest are the descriptor's, and removed
    /// otherwise (`oci.too_large`, `oci.size_mismatch`, `oci.digest_mismatch`). A
    /// connection dropped mid-body is resumed with `Range: bytes=N-` (each resume counts as one of
    /// the retries); a registry that answers 200 instead of 206 is read again from the start.
    /// Redirects (to blob storage) are followed without `Authorization` when they leave the registry.
    public func fetchBlob(_ descriptor: OCIDescriptor, from reference: OCIReference, to destination: URL,
                          progress: (@Sendable (TransferProgress) -> Void)?) async throws(RegistryError) {
        let subject = "blob \(descriptor.digest) in \(reference.repositoryPath)"
        guard descriptor.size >= 0, descriptor.size <= settings.maximumBlobBytes else {
            throw RegistryError(.tooLarge, subject: subject, "the blob is \(descriptor.size) bytes, more than the limit of \(settings.maximumBlobBytes)")
        }
        let url = try apiBase(reference) + "blobs/\(descriptor.digest)"
        let file = try await BlobFileIO.TemporaryFile.create(beside: destination)
        do {
            try await download(descriptor, url: url, reference: reference, subject: subject, into: file, progress: progress)
            try await file.finish(renamingTo: destination)
        } catch {
            await file.discard()
            throw error
        }
    }

    private func download(_ descriptor: OCIDescriptor, url: String, reference: OCIReference, subject: String,
                          into file: BlobFileIO.TemporaryFile, progress: (@Sendable (TransferProgress) -> Void)?) async throws(RegistryError) {
        var hasher = SHA256()
        var written: Int64 = 0
        var resumes = 0
        while true {
            var call = Call(method: .GET, url: url, registry: reference.registry, scope: Self.pullScope(reference.repository), subject: subject)
            if written > 0 { call.headers.add(name: "Range", value: "bytes=\(written)-") }
            let response = try await send(call)
            if written > 0 {
                if response.status == .partialContent {
                    let start = response.headers.first(name: "Content-Range").flatMap(Self.rangeStart)
                    guard start == written else {
                        throw RegistryError(.protocolViolation, subject: subject, "the registry resumed at byte \(start.map(String.init) ?? "?"), not \(written)")
                    }
                } else {
                    // The registry ignored Range: start over.
                    try await file.truncate()
                    hasher = SHA256()
                    written = 0
                    progress?(TransferProgress(digest: descriptor.digest, completedBytes: 0, totalBytes: descriptor.size))
                }
            }
            if let length = response.headers.first(name: "Content-Length").flatMap(Int64.init), written + length > descriptor.size {
                throw RegistryError(.tooLarge, subject: subject, "the registry sends \(written + length) bytes for a blob of \(descriptor.size)")
            }
            do {
                for try await chunk in response.body {
                    guard written + Int64(chunk.readableBytes) <= descriptor.size else {
                        throw RegistryError(.tooLarge, subject: subject, "the registry sent more than the \(descriptor.size) bytes the descriptor says")
                    }
                    try await file.write(chunk)
                    chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                    written += Int64(chunk.readableBytes)
                    progress?(TransferProgress(digest: descriptor.digest, completedBytes: written, totalBytes: descriptor.size))
                }
            } catch let error as RegistryError {
                throw error
            } catch {
                if Task.isCancelled { throw Self.cancelled(call) }
                resumes += 1
                guard resumes <= settings.retries else {
                    throw RegistryError(.unavailable, subject: subject,
                                        "the download from \(reference.registry) broke off at byte \(written) of \(descriptor.size) \(resumes) times", cause: "\(error)")
                }
                logger.debug("blob download broke off, resuming", metadata: ["digest": "\(descriptor.digest)", "at": "\(written)"])
                try await backoff(resumes, retryAfter: nil, call: call)
                continue
            }
            guard written == descriptor.size else {
                throw RegistryError(.sizeMismatch, subject: subject, "the registry sent \(written) bytes for a blob of \(descriptor.size)")
            }
            let digest = OCIDigest(hasher.finalize())
            guard digest == descriptor.digest else {
                throw RegistryError(.digestMismatch, subject: subject, "the bytes received hash to \(digest)")
            }
            return
        }
    }

    /// The first byte of `Content-Range: bytes START-END/TOTAL`.
    package static func rangeStart(_ value: String) -> Int64? {
        guard let range = value.split(separator: " ").last, let dash = range.firstIndex(of: "-") else { return nil }
        return Int64(range[..<dash])
    }

    /// Whether the reference's repository has the blob (HEAD; 404 is false).
    public func blobExists(_ digest: OCIDigest, in reference: OCIReference) async throws(RegistryError) -> Bool {
        try await blobExists(digest, in: reference, scope: Self.pullScope(reference.repository))
    }

    func blobExists(_ digest: OCIDigest, in reference: OCIReference, scope: String) async throws(RegistryError) -> Bool {
        let call = Call(method: .HEAD, url: try apiBase(reference) + "blobs/\(digest)",
                        registry: reference.registry, scope: scope,
                        subject: "blob \(digest) in \(reference.repositoryPath)", accepting: [404])
        let response = try await send(call)
        return response.status.code / 100 == 2
    }

    /// Uploads the file as the blob `descriptor` names, unless the repository has it already (HEAD).
    /// Tries a cross-repository mount from each of `mountFrom` (repositories of the same registry)
    /// first; else POST then one PUT, or POST, PATCH chunks of ``RegistryClientSettings/uploadChunkBytes``
    /// and PUT when the blob is larger than ``RegistryClientSettings/chunkedUploadThreshold``.
    /// The file's size and digest are checked against the descriptor before the final PUT.
    public func pushBlob(file: URL, descriptor: OCIDescriptor, to reference: OCIReference, mountFrom: [String],
                         progress: (@Sendable (TransferProgress) -> Void)?) async throws(RegistryError) {
        let size = try await BlobFileIO.size(of: file)
        guard size == descriptor.size else {
            throw RegistryError(.sizeMismatch, subject: "blob \(descriptor.digest) for \(reference.repositoryPath) from \(file.path)",
                                "the file has \(size) bytes, the descriptor says \(descriptor.size)")
        }
        try await upload(.file(file), descriptor: descriptor, to: reference, mountFrom: mountFrom, progress: progress)
    }

    /// Uploads `bytes` as the blob `descriptor` names (as ``pushBlob(file:descriptor:to:mountFrom:progress:)``
    /// without mounts or progress).
    public func pushBlob(bytes: Data, descriptor: OCIDescriptor, to reference: OCIReference) async throws(RegistryError) {
        guard Int64(bytes.count) == descriptor.size else {
            throw RegistryError(.sizeMismatch, subject: "blob \(descriptor.digest) for \(reference.repositoryPath)",
                                "the bytes are \(bytes.count), the descriptor says \(descriptor.size)")
        }
        try await upload(.bytes(bytes), descriptor: descriptor, to: reference, mountFrom: [], progress: nil)
    }

    enum BlobSource: Sendable {
        case file(URL)
        case bytes(Data)

        func read(offset: Int64, count: Int) async throws(RegistryError) -> ByteBuffer {
            switch self {
            case .file(let url): return try await BlobFileIO.read(url, offset: offset, count: count)
            case .bytes(let data):
                let start = data.startIndex + Int(offset)
                return ByteBuffer(bytes: data[start..<min(start + count, data.endIndex)])
            }
        }
    }

    private func upload(_ source: BlobSource, descriptor: OCIDescriptor, to reference: OCIReference, mountFrom: [String],
                        progress: (@Sendable (TransferProgress) -> Void)?) async throws(RegistryError) {
        let subject = "blob \(descriptor.digest) in \(reference.repositoryPath)"
        let scope = Self.pushScope(reference.repository)
        let report = { @Sendable (done: Int64) in
            progress?(TransferProgress(digest: descriptor.digest, completedBytes: done, totalBytes: descriptor.size))
        }
        if try await blobExists(descriptor.digest, in: reference, scope: scope) {
            report(descriptor.size)
            return
        }
        let uploads = try apiBase(reference) + "blobs/uploads/"
        var location: String?
        for from in mountFrom where from != reference.repository {
            let mountScope = scope + " " + Self.pullScope(from)
            let call = Call(method: .POST, url: uploads + "?mount=\(descriptor.digest)&from=\(from)", registry: reference.registry,
                            scope: mountScope, subject: subject)
            let response = try await send(call)
            _ = try? await response.body.collect(upTo: 64 << 10)
            if response.status == .created {
                report(descriptor.size)
                return
            }
            // 202: the registry started an ordinary upload instead.
            location = try uploadLocation(response, base: uploads, subject: subject)
            break
        }
        if location == nil {
            let response = try await send(Call(method: .POST, url: uploads, registry: reference.registry, scope: scope, subject: subject))
            _ = try? await response.body.collect(upTo: 64 << 10)
            location = try uploadLocation(response, base: uploads, subject: subject)
        }
        guard var location else { return }
        var hasher = SHA256()
        if descriptor.size <= settings.chunkedUploadThreshold {
            let bytes = try await source.read(offset: 0, count: Int(descriptor.size))
            bytes.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
            try Self.checkUpload(bytes.readableBytes, of: descriptor.size, digest: OCIDigest(hasher.finalize()), against: descriptor, subject: subject)
            var put = Call(method: .PUT, url: Self.appendingDigest(descriptor.digest, to: location), registry: reference.registry,
                           scope: scope, subject: subject)
            put.headers.add(name: "Content-Type", value: "application/octet-stream")
            put.body = bytes
            let response = try await send(put)
            _ = try? await response.body.collect(upTo: 64 << 10)
            report(descriptor.size)
            return
        }
        var offset: Int64 = 0
        while offset < descriptor.size {
            let count = Int(min(Int64(settings.uploadChunkBytes), descriptor.size - offset))
            let chunk = try await source.read(offset: offset, count: count)
            guard chunk.readableBytes == count else {
                throw RegistryError(.sizeMismatch, subject: subject, "the source ended at byte \(offset + Int64(chunk.readableBytes)) of \(descriptor.size)")
            }
            chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
            var patch = Call(method: .PATCH, url: location, registry: reference.registry, scope: scope, subject: subject)
            patch.headers.add(name: "Content-Type", value: "application/octet-stream")
            patch.headers.add(name: "Content-Range", value: "\(offset)-\(offset + Int64(count) - 1)")
            patch.body = chunk
            let response = try await send(patch)
            _ = try? await response.body.collect(upTo: 64 << 10)
            location = try uploadLocation(response, base: location, subject: subject)
            offset += Int64(count)
            report(offset)
        }
        try Self.checkUpload(Int(offset), of: descriptor.size, digest: OCIDigest(hasher.finalize()), against: descriptor, subject: subject)
        let put = Call(method: .PUT, url: Self.appendingDigest(descriptor.digest, to: location), registry: reference.registry,
                       scope: scope, subject: subject)
        let response = try await send(put)
        _ = try? await response.body.collect(upTo: 64 << 10)
    }

    static func checkUpload(_ count: Int, of size: Int64, digest: OCIDigest, against descriptor: OCIDescriptor, subject: String) throws(RegistryError) {
        guard Int64(count) == size else {
            throw RegistryError(.sizeMismatch, subject: subject, "the source has \(count) bytes, the descriptor says \(size)")
        }
        guard digest == descriptor.digest else {
            throw RegistryError(.digestMismatch, subject: subject, "the source hashes to \(digest), not to the descriptor's digest")
        }
    }

    /// The absolute upload URL of a 202 (its `Location`, which may be relative).
    func uploadLocation(_ response: HTTPClientResponse, base: String, subject: String) throws(RegistryError) -> String {
        guard response.status == .accepted, let location = response.headers.first(name: "Location"),
              let resolved = Self.resolve(location, against: base) else {
            throw RegistryError(.protocolViolation, subject: subject,
                                "the registry answered \(response.status.code) to an upload without a Location to continue at")
        }
        return resolved
    }

    static func appendingDigest(_ digest: OCIDigest, to location: String) -> String {
        location + (location.contains("?") ? "&" : "?") + "digest=\(digest.description.replacingOccurrences(of: ":", with: "%3A"))"
    }
}
