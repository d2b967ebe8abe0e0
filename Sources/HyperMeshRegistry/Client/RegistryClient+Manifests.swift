import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Manifests and tags.
extension RegistryClient {
    /// The manifest `reference` names (its digest when pinned, else its tag), verified: at most
    /// ``RegistryClientSettings/maximumManifestBytes`` (by `Content-Length` and while streaming),
    /// served as one of ``OCIMediaType/manifestAccept``, hashing to the reference's digest when it
    /// has one and to `Docker-Content-Digest` when the registry sends it.
    public func manifest(_ reference: OCIReference) async throws(RegistryError) -> FetchedManifest {
        let subject = "manifest \(reference)"
        var call = Call(method: .GET, url: try apiBase(reference) + "manifests/\(reference.manifestReference)",
                        registry: reference.registry, scope: Self.pullScope(reference.repository), subject: subject)
        call.headers.add(name: "Accept", value: OCIMediaType.manifestAccept.joined(separator: ", "))
        let response = try await send(call)
        let limit = settings.maximumManifestBytes
        if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > limit {
            throw RegistryError(.tooLarge, subject: subject, "the manifest is \(length) bytes, more than the limit of \(limit)")
        }
        let contentType = response.headers.first(name: "Content-Type").map(Self.mediaType(ofContentType:)) ?? ""
        guard OCIMediaType.manifestAccept.contains(contentType) else {
            throw RegistryError(.mediaTypeMismatch, subject: subject,
                                "the registry served Content-Type '\(contentType)', not one of \(OCIMediaType.manifestAccept.joined(separator: ", "))")
        }
        var bytes = Data()
        do {
            for try await chunk in response.body {
                guard bytes.count + chunk.readableBytes <= limit else {
                    throw RegistryError(.tooLarge, subject: subject, "the manifest is more than the limit of \(limit) bytes")
                }
                bytes.append(contentsOf: chunk.readableBytesView)
            }
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(.unavailable, subject: subject, "the connection to \(reference.registry) broke while reading the manifest", cause: "\(error)")
        }
        let digest = OCIDigest(of: bytes)
        if let pinned = reference.digest, pinned != digest {
            throw RegistryError(.digestMismatch, subject: subject, "the manifest served hashes to \(digest), not \(pinned)")
        }
        try Self.checkDockerContentDigest(response.headers, equals: digest, subject: subject)
        return FetchedManifest(bytes: bytes, mediaType: contentType, digest: digest)
    }

    /// Uploads `bytes` as a manifest of `mediaType` under the reference's tag (or, without a tag,
    /// its digest, which must then be the digest of `bytes`); returns the digest of `bytes`.
    public func pushManifest(_ bytes: Data, mediaType: String, to reference: OCIReference) async throws(RegistryError) -> OCIDigest {
        let digest = OCIDigest(of: bytes)
        let subject = "manifest \(reference.repositoryPath)@\(digest)"
        guard bytes.count <= settings.maximumManifestBytes else {
            throw RegistryError(.tooLarge, subject: subject, "the manifest is \(bytes.count) bytes, more than the limit of \(settings.maximumManifestBytes)")
        }
        let target: String
        if let tag = reference.tag {
            target = tag
        } else if let pinned = reference.digest {
            guard pinned == digest else {
                throw RegistryError(.digestMismatch, subject: subject, "the manifest hashes to \(digest), not to the reference's \(pinned)")
            }
            target = pinned.description
        } else {
            target = digest.description
        }
        var call = Call(method: .PUT, url: try apiBase(reference) + "manifests/\(target)",
                        registry: reference.registry, scope: Self.pushScope(reference.repository), subject: subject)
        call.headers.add(name: "Content-Type", value: mediaType)
        call.body = ByteBuffer(bytes: bytes)
        let response = try await send(call)
        _ = try? await response.body.collect(upTo: 64 << 10)
        try Self.checkDockerContentDigest(response.headers, equals: digest, subject: subject)
        return digest
    }

    /// All tags of the reference's repository (following `Link: <…>; rel="next"` pages).
    public func tags(of reference: OCIReference) async throws(RegistryError) -> [String] {
        let subject = "tags of \(reference.repositoryPath)"
        var url = try apiBase(reference) + "tags/list"
        var tags: [String] = []
        for _ in 0..<1000 {
            let call = Call(method: .GET, url: url, registry: reference.registry, scope: Self.pullScope(reference.repository), subject: subject)
            let response = try await send(call)
            let body: ByteBuffer
            do { body = try await response.body.collect(upTo: settings.maximumManifestBytes) } catch {
                throw RegistryError(.tooLarge, subject: subject, "the tag list is larger than \(settings.maximumManifestBytes) bytes or broke off", cause: "\(error)")
            }
            struct TagList: Decodable { var tags: [String]? }
            guard let page = try? JSONDecoder().decode(TagList.self, from: Data(body.readableBytesView)) else {
                throw RegistryError(.protocolViolation, subject: subject, "the registry answered a tag list that is not {\"tags\": [...]}")
            }
            tags += page.tags ?? []
            guard let link = response.headers.first(name: "Link"), let next = Self.nextLink(link),
                  let resolved = Self.resolve(next, against: url) else { return tags }
            url = resolved
        }
        throw RegistryError(.protocolViolation, subject: subject, "more than 1000 pages of tags")
    }

    static func pullScope(_ repository: String) -> String { "repository:\(repository):pull" }
    static func pushScope(_ repository: String) -> String { "repository:\(repository):pull,push" }

    /// `application/vnd.oci.image.manifest.v1+json; charset=utf-8` → the media type alone.
    package static func mediaType(ofContentType value: String) -> String {
        (value.split(separator: ";").first.map(String.init) ?? value).trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// Checks `Docker-Content-Digest` when the registry sent one.
    package static func checkDockerContentDigest(_ headers: HTTPHeaders, equals digest: OCIDigest, subject: String) throws(RegistryError) {
        guard let header = headers.first(name: "Docker-Content-Digest") else { return }
        let claimed: OCIDigest
        do { claimed = try OCIDigest(parsing: header.trimmingCharacters(in: .whitespaces)) } catch {
            throw RegistryError(.protocolViolation, subject: subject, "the registry sent Docker-Content-Digest '\(header)', not a sha256 digest")
        }
        guard claimed == digest else {
            throw RegistryError(.digestMismatch, subject: subject, "the content hashes to \(digest) but the registry says \(claimed)")
        }
    }

    /// The target of `rel="next"` in a `Link` header.
    package static func nextLink(_ header: String) -> String? {
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let first = pieces.first, first.hasPrefix("<"), first.hasSuffix(">"),
                  pieces.dropFirst().contains(where: { $0.replacingOccurrences(of: "\"", with: "") == "rel=next" }) else { continue }
            return String(first.dropFirst().dropLast())
        }
        return nil
    }
}
